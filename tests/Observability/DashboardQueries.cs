using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Observability;

/// <summary>
/// The PromQL the chart's Grafana dashboard runs (every panel's targets and the templating variables'
/// queries) and the metric names in it: what the services' <c>/metrics</c> must serve. One extractor,
/// used by the chart's dashboard test and by the scrape of the running services.
/// </summary>
public static partial class DashboardQueries
{
    public static string DashboardFile { get; } = Path.Combine(ChartUnderTest.Directory, "files", "grafana-dashboard.json");

    /// <summary>Every query expression of the dashboard.</summary>
    public static IReadOnlyList<string> Expressions()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(DashboardFile))!;
        var panels = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string)t!["expr"]!);
        var variables = dashboard["templating"]?["list"]?.AsArray().Where(v => (string?)v!["type"] == "query").Select(v => (string)v!["query"]!) ?? [];
        return [.. panels, .. variables];
    }

    /// <summary>The distinct metric names the expressions use, as Prometheus stores them (with _total, _bucket, ...).</summary>
    public static IReadOnlyList<string> MetricNames() =>
        [.. Expressions().SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The histograms whose buckets the dashboard reads (histogram_quantile over name_bucket), without the suffix.</summary>
    public static IReadOnlyList<string> Histograms() =>
        [.. MetricNames().Where(n => n.EndsWith("_bucket", StringComparison.Ordinal)).Select(n => n[..^"_bucket".Length])];

    [GeneratedRegex("imagerec_[a-z_]+")]
    private static partial Regex MetricName();
}
