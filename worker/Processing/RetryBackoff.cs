namespace ImageRec.Worker.Processing;

/// <summary>
/// Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
/// a delay drawn uniformly between 0 and base × 2^(attempt − 1), capped, so that jobs failing together
/// (an S3 outage) do not all come back in the same second.
/// </summary>
public static class RetryBackoff
{
    /// <param name="attempt">How often the job was received so far (1 on its first failure).</param>
    /// <returns>Whole seconds, 0 ≤ result ≤ <paramref name="capSeconds"/>.</returns>
    public static int Seconds(int attempt, int baseSeconds, int capSeconds, Random random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 20);
        var ceiling = Math.Min((double)capSeconds, Math.Max(0, baseSeconds) * Math.Pow(2, exponent));
        return (int)Math.Round(random.NextDouble() * ceiling);
    }
}
