using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;

namespace ImageRec.Worker.Imaging;

/// <summary>
/// The encoded image could not be turned into pixels: unsupported type, corrupt or truncated data, or too large.
/// <see cref="Exception.Message"/> is a human-readable reason (for example "corrupt JPEG data: Premature end of JPEG file"),
/// <see cref="Reason"/> the machine-readable one that goes into the failed result.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(ImageFormat format, string message, string reason = FailureReasons.Undecodable) : base(message)
    {
        Format = format;
        Reason = reason;
    }

    public ImageDecodeException(ImageFormat format, ImageRefusal refusal) : this(format, refusal.Detail, refusal.Reason) { }

    /// <summary>The format that was being decoded (Unknown when it could not be identified).</summary>
    public ImageFormat Format { get; }

    /// <summary>One of <see cref="FailureReasons"/>.</summary>
    public string Reason { get; }
}
