using ImageRec.Common.Imaging;

namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>
/// An EXIF orientation in the terms <see cref="ImageNetPreprocessor"/> samples by: whether the stored axes are
/// swapped relative to the upright image (orientations 5–8), and whether the stored x and y axes run against the
/// upright axes they become. Upright pixel (x, y) of a W×H upright image is stored at, per TIFF 6.0's wording
/// ("0th row / 0th column at …"): 1 (x, y); 2 (W−1−x, y); 3 (W−1−x, H−1−y); 4 (x, H−1−y); and with the axes
/// swapped, stored (column, row): 5 (y, x); 6 (y, W−1−x); 7 (H−1−y, W−1−x); 8 (H−1−y, x).
/// </summary>
internal readonly record struct OrientedAxes(bool Transposed, bool ReverseX, bool ReverseY)
{
    public static OrientedAxes Of(ImageOrientation orientation) => orientation switch
    {
        ImageOrientation.MirrorHorizontal => new(Transposed: false, ReverseX: true, ReverseY: false),
        ImageOrientation.Rotate180 => new(Transposed: false, ReverseX: true, ReverseY: true),
        ImageOrientation.MirrorVertical => new(Transposed: false, ReverseX: false, ReverseY: true),
        ImageOrientation.Transpose => new(Transposed: true, ReverseX: false, ReverseY: false),
        ImageOrientation.Rotate90 => new(Transposed: true, ReverseX: false, ReverseY: true),
        ImageOrientation.Transverse => new(Transposed: true, ReverseX: true, ReverseY: true),
        ImageOrientation.Rotate270 => new(Transposed: true, ReverseX: true, ReverseY: false),
        _ => default, // Normal, and anything that is not an orientation
    };
}
