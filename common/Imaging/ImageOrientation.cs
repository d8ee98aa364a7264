namespace ImageRec.Common.Imaging;

/// <summary>
/// How a stored image must be turned to be seen upright: the Exif/TIFF Orientation tag (0x0112), values 1–8.
/// TIFF 6.0 (Section 8, "Orientation") words each value as where the stored 0th row and 0th column appear
/// when the image is displayed; the names say what a viewer does to the stored pixels.
/// </summary>
public enum ImageOrientation : byte
{
    /// <summary>1: 0th row at the top, 0th column at the left; also every image without the tag.</summary>
    Normal = 1,

    /// <summary>2: 0th row at the top, 0th column at the right: mirror left–right.</summary>
    MirrorHorizontal = 2,

    /// <summary>3: 0th row at the bottom, 0th column at the right: turn by 180°.</summary>
    Rotate180 = 3,

    /// <summary>4: 0th row at the bottom, 0th column at the left: mirror top–bottom.</summary>
    MirrorVertical = 4,

    /// <summary>5: 0th row at the left, 0th column at the top: mirror across the main diagonal.</summary>
    Transpose = 5,

    /// <summary>6: 0th row at the right, 0th column at the top: turn 90° clockwise (a phone held upright).</summary>
    Rotate90 = 6,

    /// <summary>7: 0th row at the right, 0th column at the bottom: mirror across the anti-diagonal.</summary>
    Transverse = 7,

    /// <summary>8: 0th row at the left, 0th column at the bottom: turn 90° anticlockwise.</summary>
    Rotate270 = 8,
}
