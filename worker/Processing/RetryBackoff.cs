namespace ImageRec.Worker.Processing;

/// <summary>
/// Exponential backoff with "equal jitter" ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015): a delay
/// drawn uniformly between half of base × 2^(attempt − 1) and all of it, capped. The jitter keeps jobs failing together
/// (an S3 or index outage) from all coming back in the same second; the guaranteed half keeps a job from spending its
/// receives within a short outage: the first four retries wait at least 1 + 1 + 2 + 4 s, so an outage shorter than that
/// cannot take a job to the queue's maxReceiveCount (5 locally) and into the dead-letter queue. Full jitter, drawn from
/// zero, could spend all five receives in a few seconds.
/// </summary>
public static class RetryBackoff
{
    /// <param name="attempt">How often the job was received so far (1 on its first failure).</param>
    /// <returns>Whole seconds, between half the capped exponential (rounded up) and all of it.</returns>
    public static int Seconds(int attempt, int baseSeconds, int capSeconds, Random random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 20);
        var ceiling = Math.Min((double)capSeconds, Math.Max(0, baseSeconds) * Math.Pow(2, exponent));
        return (int)Math.Round(ceiling / 2 + random.NextDouble() * ceiling / 2, MidpointRounding.AwayFromZero);
    }
}
