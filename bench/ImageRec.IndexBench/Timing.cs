using System.Diagnostics;
using System.Globalization;

namespace ImageRec.IndexBench;

/// <summary>Latencies of one kind of request, in milliseconds, and their percentiles.</summary>
internal sealed record Latencies(double[] Milliseconds)
{
    public int Count => Milliseconds.Length;

    /// <summary>The nearest-rank percentile: the smallest latency at least <paramref name="percent"/>% of requests did not exceed.</summary>
    public double Percentile(double percent)
    {
        var sorted = Milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Ms(double value) => value.ToString(value < 100 ? "0.00" : "0", CultureInfo.InvariantCulture);
}

internal static class Timing
{
    /// <summary>
    /// Runs <paramref name="request"/> one at a time: <paramref name="warmup"/> times untimed, then timed until
    /// <paramref name="pages"/> requests or until <paramref name="budget"/> is spent with at least
    /// <paramref name="minPages"/> done.
    /// </summary>
    public static async Task<Latencies> MeasureAsync(Func<Task> request, int warmup, int pages, TimeSpan budget, int minPages)
    {
        for (var i = 0; i < warmup; i++) await request();
        var times = new List<double>(pages);
        var spent = Stopwatch.StartNew();
        while (times.Count < pages && (times.Count < minPages || spent.Elapsed < budget)) times.Add(await TimeAsync(request));
        return new Latencies([.. times]);
    }

    /// <summary>
    /// Several kinds of request, one at a time: each <paramref name="warmup"/> times untimed, then <paramref name="pages"/>
    /// timed ones of each, taken in <paramref name="rounds"/> turns across the kinds, so that whatever else the machine
    /// does at one moment (it is shared; dynalite compacts its LevelDB after a load) falls on every kind alike.
    /// </summary>
    public static async Task<Latencies[]> InTurnsAsync(IReadOnlyList<Func<Task>> requests, int warmup, int pages, int rounds)
    {
        foreach (var request in requests)
            for (var i = 0; i < warmup; i++) await request();
        var times = requests.Select(_ => new List<double>(pages)).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var kind = 0; kind < requests.Count; kind++)
            {
                // This round's share: the pages spread evenly over the rounds.
                var share = pages * (round + 1) / rounds - pages * round / rounds;
                for (var i = 0; i < share; i++) times[kind].Add(await TimeAsync(requests[kind]));
            }
        }
        return [.. times.Select(t => new Latencies([.. t]))];
    }

    private static async Task<double> TimeAsync(Func<Task> request)
    {
        var one = Stopwatch.StartNew();
        await request();
        return one.Elapsed.TotalMilliseconds;
    }

    /// <summary>Items a second, for the load lines.</summary>
    public static string Rate(int items, TimeSpan elapsed) =>
        (items / Math.Max(elapsed.TotalSeconds, 1e-3)).ToString("0", CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}
