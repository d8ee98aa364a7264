using ImageRec.Common.Imaging;

namespace ImageRec.Worker.Imaging;

/// <summary>
/// Picks the decoder from the magic bytes (<see cref="ImageHeaderReader.DetectFormat"/>) and delegates.
/// Thread-safe; create one per process and dispose it at shutdown.
/// </summary>
public sealed class ImageDecoder : IImageDecoder, IDisposable
{
    /// <summary>Default decode limit: 100 megapixels (300 MB of RGB).</summary>
    public const long DefaultMaxPixels = 100_000_000;

    private readonly JpegDecoder _jpeg;
    private readonly PngDecoder _png;
    private readonly WebPDecoder _webp;

    public ImageDecoder(long maxPixels = DefaultMaxPixels)
    {
        _jpeg = new JpegDecoder(maxPixels);
        _png = new PngDecoder(maxPixels);
        _webp = new WebPDecoder(maxPixels);
    }

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, int minShortSide) =>
        ImageHeaderReader.DetectFormat(encoded) switch
        {
            ImageFormat.Jpeg => _jpeg.Decode(encoded, minShortSide),
            ImageFormat.Png => _png.Decode(encoded, minShortSide),
            ImageFormat.WebP => _webp.Decode(encoded, minShortSide),
            _ => throw new ImageDecodeException(ImageFormat.Unknown,
                "unsupported image type (expected JPEG, PNG or WebP)"),
        };

    public void Dispose() => _jpeg.Dispose();
}
