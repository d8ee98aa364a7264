using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;

namespace ImageRec.Worker.Imaging;

/// <summary>
/// The worker's front door to decoding: reads the header (<see cref="ImageHeaderReader"/>), refuses what
/// <see cref="ImageHeaderPolicy"/> refuses — too many pixels, animation, JPEG codings we cannot decode — before any
/// pixel memory is allocated, picks the decoder by content, and hands on the JPEG's EXIF orientation with the pixels.
/// The web tier applies the same rules, so this matters for input that reaches the worker some other way.
/// Thread-safe; create one per process and dispose it at shutdown.
/// </summary>
public sealed class ImageDecoder : IImageDecoder, IDisposable
{
    /// <summary>
    /// Default decode limit, stored pixels: 40 megapixels (120 MB of RGB), the web tier's <c>Uploads:MaxPixels</c>
    /// default, so the worker decodes what the web tier accepts and refuses what it would have refused.
    /// </summary>
    public const long DefaultMaxPixels = 40_000_000;

    private readonly long _maxPixels;
    private readonly JpegDecoder _jpeg;
    private readonly PngDecoder _png;
    private readonly WebPDecoder _webp;

    public ImageDecoder(long maxPixels = DefaultMaxPixels)
    {
        _maxPixels = maxPixels;
        _jpeg = new JpegDecoder(maxPixels);
        _png = new PngDecoder(maxPixels);
        _webp = new WebPDecoder(maxPixels);
    }

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, int minShortSide)
    {
        var status = ImageHeaderReader.Read(encoded, out var header);
        if (status == ImageHeaderStatus.UnsupportedFormat)
            throw new ImageDecodeException(ImageFormat.Unknown, ForeignImageFormat.Identify(encoded) is { } name
                ? ImageHeaderPolicy.UnsupportedFormat(name)
                : ImageHeaderPolicy.UnsupportedType());
        if (status != ImageHeaderStatus.Ok)
        {
            var format = ImageHeaderReader.DetectFormat(encoded);
            throw new ImageDecodeException(format, ImageHeaderReader.Describe(status, format), FailureReasons.Undecodable);
        }
        if (ImageHeaderPolicy.Judge(header, _maxPixels) is { } refusal)
            throw new ImageDecodeException(header.Format, refusal);

        var image = header.Format switch
        {
            ImageFormat.Jpeg => _jpeg.Decode(encoded, minShortSide),
            ImageFormat.Png => _png.Decode(encoded, minShortSide),
            _ => _webp.Decode(encoded, minShortSide),
        };
        image.Orientation = header.Orientation;
        return image;
    }

    public void Dispose() => _jpeg.Dispose();
}
