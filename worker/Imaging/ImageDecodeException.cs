using ImageRec.Common.Imaging;

namespace ImageRec.Worker.Imaging;

/// <summary>
/// The encoded image could not be turned into pixels: unsupported type, corrupt or truncated data, or too large.
/// <see cref="Exception.Message"/> is a human-readable reason (for example "corrupt JPEG data: Premature end of JPEG file").
/// </summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(ImageFormat format, string reason) : base(reason) => Format = format;

    public ImageDecodeException(ImageFormat format, string reason, Exception inner) : base(reason, inner) => Format = format;

    /// <summary>The format that was being decoded (Unknown when it could not be identified).</summary>
    public ImageFormat Format { get; }
}
