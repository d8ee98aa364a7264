using ImageRec.Common.Contracts;

namespace ImageRec.Common.Imaging;

/// <summary>
/// What the service refuses to decode, judged from a header that was read successfully: too many pixels,
/// animation, and JPEG codings the decoder (libjpeg-turbo's TurboJPEG 2.1 API: 8-bit DCT, Huffman or
/// arithmetic, sequential or progressive) cannot decode. The web tier answers these with a 4xx before storing
/// anything; the worker applies the same rules before it allocates pixels, for input that arrives another way.
/// </summary>
public static class ImageHeaderPolicy
{
    public const string SupportedFormats = "JPEG, PNG or WebP";

    /// <summary>Null when the image may be decoded; otherwise why not.</summary>
    public static ImageRefusal? Judge(in ImageHeader header, long maxPixels)
    {
        if (header.PixelCount > maxPixels)
            return new(FailureReasons.TooManyPixels,
                $"The image is {header.Width}×{header.Height} = {header.PixelCount} pixels, more than the limit of {maxPixels}.");
        if (header.IsAnimated)
            return new(FailureReasons.AnimatedImage,
                $"Animated {(header.Format == ImageFormat.Png ? "PNG (APNG)" : "WebP")} images are not classified; send a single still frame.");
        if (header.Format == ImageFormat.Jpeg && UnsupportedJpegCoding(header) is { } coding)
            return UnsupportedFormat(coding);
        return null;
    }

    /// <summary>The refusal for an image format or coding the service does not decode, naming what it does.</summary>
    public static ImageRefusal UnsupportedFormat(string what) =>
        new(FailureReasons.UnsupportedFormat, $"{what} is not supported; send {SupportedFormats}.");

    /// <summary>The refusal for data that is no image format at all.</summary>
    public static ImageRefusal UnsupportedType() =>
        new(FailureReasons.UnsupportedType, $"This is not an image; send {SupportedFormats} (judged by the file's content, not its name).");

    private static string? UnsupportedJpegCoding(in ImageHeader header) => header.JpegSofMarker switch
    {
        0xC3 or 0xCB => "Lossless JPEG",
        0xC5 or 0xC6 or 0xC7 or 0xCD or 0xCE or 0xCF => "Hierarchical JPEG",
        _ when header.BitDepth != 8 => $"{header.BitDepth}-bit JPEG",
        _ => null,
    };
}
