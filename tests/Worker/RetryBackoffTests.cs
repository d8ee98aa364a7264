using ImageRec.Worker.Processing;

namespace ImageRec.Tests.Worker;

public sealed class RetryBackoffTests
{
    [Theory]
    [InlineData(1, 1, 60, 1)]
    [InlineData(2, 1, 60, 2)]
    [InlineData(4, 1, 60, 8)]
    [InlineData(7, 1, 60, 60)]   // 64 capped at the visibility timeout
    [InlineData(100, 2, 60, 60)] // no overflow however often it was received
    [InlineData(0, 2, 60, 2)]    // an unknown receive count counts as the first
    public void Delays_stay_between_zero_and_the_capped_exponential(int attempt, int baseSeconds, int cap, int ceiling)
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 2000).Select(_ => RetryBackoff.Seconds(attempt, baseSeconds, cap, random)).ToArray();

        Assert.All(delays, d => Assert.InRange(d, 0, ceiling));
        // Full jitter: the whole range is used, not one fixed delay.
        Assert.Equal(0, delays.Min());
        Assert.Equal(ceiling, delays.Max());
    }
}
