namespace ImageRec.WebTier.Uploads;

/// <summary>Per-caller upload rate limit (token bucket). Section <c>RateLimit</c>.</summary>
public sealed class UploadRateLimitOptions
{
    public const string Section = "RateLimit";

    public bool Enabled { get; set; } = true;

    /// <summary>Sustained uploads per second per caller.</summary>
    public int UploadsPerSecond { get; set; } = 200;

    /// <summary>Uploads a caller may send at once before the sustained rate applies.</summary>
    public int Burst { get; set; } = 1000;
}
