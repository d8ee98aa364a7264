using ImageRec.Worker.Processing;

namespace ImageRec.Tests.Worker;

public sealed class RetryBackoffTests
{
    [Theory]
    [InlineData(1, 1, 60, 1, 1)]
    [InlineData(2, 1, 60, 1, 2)]
    [InlineData(4, 1, 60, 4, 8)]
    [InlineData(7, 1, 60, 30, 60)]   // 64 capped at the visibility timeout
    [InlineData(100, 2, 60, 30, 60)] // no overflow however often it was received
    [InlineData(0, 2, 60, 1, 2)]     // an unknown receive count counts as the first
    public void Delays_stay_between_half_and_all_of_the_capped_exponential(int attempt, int baseSeconds, int cap, int floor, int ceiling)
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 2000).Select(_ => RetryBackoff.Seconds(attempt, baseSeconds, cap, random)).ToArray();

        Assert.All(delays, d => Assert.InRange(d, floor, ceiling));
        // Jittered: the whole range is used, not one fixed delay.
        Assert.Equal(floor, delays.Min());
        Assert.Equal(ceiling, delays.Max());
    }

    [Fact]
    public void Four_retries_wait_long_enough_to_outlast_a_short_outage()
    {
        var random = new Random(11);
        for (var run = 0; run < 1000; run++)
            Assert.True(Enumerable.Range(1, 4).Sum(attempt => RetryBackoff.Seconds(attempt, 1, 60, random)) >= 8);
    }
}
