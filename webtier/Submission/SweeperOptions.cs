namespace ImageRec.WebTier.Submission;

/// <summary>The <see cref="StalledJobSweeper"/>. Section <c>Sweeper</c>.</summary>
public sealed class SweeperOptions
{
    public const string Section = "Sweeper";

    public bool Enabled { get; set; } = true;

    /// <summary>Time between sweeps.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An image queued this long has its job queued again. Must be longer than the worker's visibility
    /// timeout plus a batch's time, and than the longest a job waits in the queue behind others: a job still
    /// waiting or in a worker's hands is not stalled, and queuing it again would have it run twice if both copies
    /// were taken at the same time (one after the other, the second is skipped: its result is stored).
    /// </summary>
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromMinutes(5);
}
