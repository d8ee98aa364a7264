namespace ImageRec.Common.Aws.Sqs;

/// <summary>Timeouts and retry policy of <see cref="SqsClient"/> (configuration section <c>Aws:Sqs</c>).</summary>
public sealed class SqsClientOptions
{
    /// <summary>Per-attempt timeout; a long poll gets its <c>WaitTimeSeconds</c> on top.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Attempts for operations that are safe to repeat (1 = no retry).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>First backoff ceiling; doubles per attempt, with full jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);
}
