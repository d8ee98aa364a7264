using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ImageRec.LoadGen;

/// <summary>The figures of one run: counts, errors by kind, total time, throughput and latency
/// (over every request that completed, errors included).</summary>
public sealed record Report(
    string Mode, string Url, int Requested, int Completed, int Concurrency, int Ok, int Wrong, int Errors,
    IReadOnlyDictionary<string, int> ErrorsByKind, double Seconds, double Rps, LatencyStats Latency,
    bool Cancelled, IReadOnlyList<string> Samples)
{
    public static Report From(RunResult run, LoadGenOptions options)
    {
        var records = run.Records;
        var errorsByKind = records.Where(r => r.Outcome.Verdict == Verdict.Error)
            .GroupBy(r => r.Outcome.ErrorKind ?? "unknown")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        // Up to five wrong answers, and the first of each kind of error.
        var samples = records.Where(r => r.Outcome.Verdict == Verdict.Wrong).Select(r => $"wrong: {r.Outcome.Detail}").Distinct().Take(5)
            .Concat(records.Where(r => r.Outcome.Verdict == Verdict.Error).GroupBy(r => r.Outcome.ErrorKind)
                .Select(g => $"error {g.Key}: {g.First().File} {g.First().Outcome.Detail}".TrimEnd()))
            .ToList();
        return new Report(options.Mode.Name(), options.Url.ToString(), run.Requested, records.Count,
            options.Concurrency,
            records.Count(r => r.Outcome.Verdict == Verdict.Ok), records.Count(r => r.Outcome.Verdict == Verdict.Wrong),
            records.Count(r => r.Outcome.Verdict == Verdict.Error), errorsByKind, run.Seconds,
            run.Seconds > 0 ? records.Count / run.Seconds : 0, LatencyStats.From(records.Select(r => r.LatencyMs)),
            run.Cancelled, samples);
    }

    public string ToText()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"loadgen: {Mode} mode, {Requested} requests at concurrency {Concurrency} against {Url}\n");
        text.Append(inv, $"  requests    {Completed} completed of {Requested}{(Cancelled ? " (run cut short)" : "")}\n");
        text.Append(inv, $"  ok          {Ok}\n");
        text.Append(inv, $"  wrong       {Wrong}\n");
        text.Append(inv, $"  errors      {Errors}{(ErrorsByKind.Count > 0 ? "  (" + string.Join(", ", ErrorsByKind.Select(kv => $"{kv.Key}: {kv.Value}")) + ")" : "")}\n");
        foreach (var sample in Samples) text.Append(inv, $"      {sample}\n");
        text.Append(inv, $"  total       {Seconds:0.000} s\n");
        text.Append(inv, $"  throughput  {Rps:0.0} req/s\n");
        text.Append(inv, $"  latency ms  mean {Latency.Mean:0.0}  p50 {Latency.P50:0.0}  p90 {Latency.P90:0.0}  p99 {Latency.P99:0.0}  max {Latency.Max:0.0}\n");
        text.Append(MachineLine()).Append('\n');
        return text.ToString();
    }

    /// <summary>One line for scripts: <c>loadgen mode=… images=… ok=… … max_ms=…</c>.</summary>
    public string MachineLine() => string.Create(CultureInfo.InvariantCulture,
        $"loadgen mode={Mode} images={Requested} concurrency={Concurrency} ok={Ok} wrong={Wrong} errors={Errors} seconds={Seconds:0.000} rps={Rps:0.0} mean_ms={Latency.Mean:0.0} p50_ms={Latency.P50:0.0} p90_ms={Latency.P90:0.0} p99_ms={Latency.P99:0.0} max_ms={Latency.Max:0.0}");

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
