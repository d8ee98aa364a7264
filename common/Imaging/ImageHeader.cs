namespace ImageRec.Common.Imaging;

/// <summary>
/// What can be learnt about an image from its header alone, without decoding pixels.
/// </summary>
/// <param name="Format">The container format.</param>
/// <param name="Width">Width in pixels (always &gt; 0 when the header was read).</param>
/// <param name="Height">Height in pixels (always &gt; 0 when the header was read).</param>
/// <param name="Components">
/// Channels stored in the file: JPEG component count from the SOF segment (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK);
/// PNG samples per pixel (1 grey or palette index, 2 grey+alpha, 3 RGB, 4 RGBA); WebP 3, or 4 when it declares alpha.
/// </param>
/// <param name="BitDepth">Bits per sample: JPEG precision (8, 12, 16), PNG bit depth (1..16), WebP 8.</param>
/// <param name="PngColorType">PNG IHDR colour type (0, 2, 3, 4, 6); -1 for other formats.</param>
/// <param name="JpegSofMarker">The JPEG SOFn marker byte (0xC0 baseline, 0xC2 progressive, …); 0 for other formats.</param>
/// <param name="HasAlpha">Whether the header declares an alpha channel (PNG colour types 4/6, WebP alpha flag).</param>
/// <param name="IsAnimated">WebP VP8X animation flag, or a PNG with an acTL chunk before its image data (APNG); false otherwise.</param>
public readonly record struct ImageHeader(
    ImageFormat Format,
    int Width,
    int Height,
    int Components,
    int BitDepth,
    int PngColorType,
    byte JpegSofMarker,
    bool HasAlpha,
    bool IsAnimated)
{
    /// <summary>
    /// How the stored pixels must be turned to be seen upright: the Exif Orientation tag of a JPEG's APP1 segment
    /// (read before its frame header); <see cref="ImageOrientation.Normal"/> when there is none, and for PNG and WebP.
    /// </summary>
    public ImageOrientation Orientation { get; init; } = ImageOrientation.Normal;

    /// <summary>Width × height without overflow (PNG allows up to 2³¹−1 on each side).</summary>
    public long PixelCount => (long)Width * Height;

    /// <summary>True for a JPEG whose SOF marker is progressive (SOF2, SOF6, SOF10, SOF14).</summary>
    public bool IsProgressiveJpeg => Format == ImageFormat.Jpeg && (JpegSofMarker & 0x03) == 0x02;
}
