namespace ImageRec.Common.Contracts;

/// <summary>
/// Machine-readable reasons for refusing an image, shared by the web tier's problem+json answers
/// (the <c>reason</c> member) and the worker's failed results (<see cref="RecognitionResult.Reason"/>),
/// so that one kind of bad input has one name wherever it is found.
/// </summary>
public static class FailureReasons
{
    /// <summary>Not an image at all by its content (text, PDF, ZIP, …).</summary>
    public const string UnsupportedType = "unsupported-type";

    /// <summary>An image, but in a format or coding the service does not decode (GIF, HEIC, 12-bit JPEG, …).</summary>
    public const string UnsupportedFormat = "unsupported-format";

    /// <summary>An animated PNG or WebP: refused rather than judged by one frame.</summary>
    public const string AnimatedImage = "animated-image";

    /// <summary>The header declares more pixels than the limit (a decompression bomb, or just too big).</summary>
    public const string TooManyPixels = "too-many-pixels";

    /// <summary>More bytes than the limit.</summary>
    public const string FileTooLarge = "file-too-large";

    /// <summary>A JPEG, PNG or WebP whose header or data cannot be decoded: truncated, corrupt, zero-sized.</summary>
    public const string Undecodable = "undecodable";

    /// <summary>The stored input was gone when the worker came to it (deleted by its owner).</summary>
    public const string InputMissing = "input-missing";

    /// <summary>Something unexpected went wrong with this one image; the log has the details.</summary>
    public const string ProcessingFailed = "processing-failed";
}
