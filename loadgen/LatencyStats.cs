namespace ImageRec.LoadGen;

/// <summary>Summary of a set of latencies (milliseconds); percentiles by the nearest-rank method
/// (the smallest value with at least p % of the values at or below it), as eng/bench-e2e.sh computes them.</summary>
public sealed record LatencyStats(int Count, double Mean, double Min, double P50, double P90, double P99, double Max)
{
    public static LatencyStats From(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        if (sorted.Length == 0) return new LatencyStats(0, 0, 0, 0, 0, 0, 0);
        return new LatencyStats(sorted.Length, sorted.Average(), sorted[0],
            Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of already sorted values; <paramref name="p"/> in [0, 100].</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(p);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 100);
        if (sorted.Count == 0) throw new ArgumentException("no values", nameof(sorted));
        // p·n/100 rather than p/100·n: exact for whole percentages; the epsilon keeps 99.9 % of 1000 at rank 999.
        var rank = (int)Math.Ceiling(p * sorted.Count / 100.0 - 1e-9);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
