namespace ImageRec.WebTier.Uploads;

/// <summary>Limits applied to every upload before anything is stored. Section <c>Uploads</c>.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest accepted image in bytes (larger → 413).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest accepted width × height as declared by the image header (larger → 422).</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Longest a client may ask to wait for the result (<c>?wait=</c>), in seconds.</summary>
    public int MaxWaitSeconds { get; set; } = 30;

    /// <summary>
    /// How long a presigned upload URL (<c>POST /v1/uploads</c>) stays valid, in seconds. The stalled-job sweeper
    /// gives an upload this long plus its StalledAfter to arrive before it drops the index item.
    /// </summary>
    public int PresignedUrlSeconds { get; set; } = 300;

    /// <summary>How long the course-compatible <c>POST /</c> waits for the label, in seconds.</summary>
    public int LegacyWaitSeconds { get; set; } = 30;
}
