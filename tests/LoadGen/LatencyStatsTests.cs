using ImageRec.LoadGen;

namespace ImageRec.Tests.LoadGen;

public sealed class LatencyStatsTests
{
    [Fact]
    public void Nearest_rank_percentiles_of_one_to_a_hundred()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList();
        var stats = LatencyStats.From(values);
        Assert.Equal(100, stats.Count);
        Assert.Equal(50.5, stats.Mean, 9);
        Assert.Equal(1, stats.Min);
        Assert.Equal(50, stats.P50);
        Assert.Equal(90, stats.P90);
        Assert.Equal(99, stats.P99);
        Assert.Equal(100, stats.Max);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 10)]
    [InlineData(10.1, 20)]
    [InlineData(50, 50)]
    [InlineData(99, 100)]
    [InlineData(100, 100)]
    public void Percentile_of_ten_values(double p, double expected)
    {
        var sorted = Enumerable.Range(1, 10).Select(i => i * 10.0).ToList();
        Assert.Equal(expected, LatencyStats.Percentile(sorted, p));
    }

    [Fact]
    public void Whole_percentages_of_a_thousand_values_are_exact_ranks()
    {
        var sorted = Enumerable.Range(1, 1000).Select(i => (double)i).ToList();
        Assert.Equal(500, LatencyStats.Percentile(sorted, 50));
        Assert.Equal(900, LatencyStats.Percentile(sorted, 90));
        Assert.Equal(990, LatencyStats.Percentile(sorted, 99));
        Assert.Equal(999, LatencyStats.Percentile(sorted, 99.9));
    }

    [Fact]
    public void One_value_is_every_percentile_and_none_is_all_zero()
    {
        var one = LatencyStats.From([42.0]);
        Assert.Equal((42.0, 42.0, 42.0, 42.0), (one.P50, one.P90, one.P99, one.Max));
        Assert.Equal(0, LatencyStats.From([]).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyStats.Percentile([1.0], 101));
    }
}
