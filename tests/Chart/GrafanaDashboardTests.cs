using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageRec.Tests.Chart.Support;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Observability;

namespace ImageRec.Tests.Chart;

/// <summary>The chart's Grafana dashboard renders into a ConfigMap and only queries metrics our services export.</summary>
public sealed partial class GrafanaDashboardTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void The_dashboard_is_a_configmap_the_grafana_sidecar_picks_up(int helm)
    {
        var manifests = RenderedChart.Manifests(helm, Path.Combine(ChartUnderTest.Directory, "ci", "cpu-pool-values.yaml"));
        var configMap = Assert.Single(manifests.OfKind("ConfigMap"), m => m.Name().EndsWith("-dashboard", StringComparison.Ordinal));
        Assert.Equal("1", (string?)configMap["metadata"]!["labels"]!["grafana_dashboard"]);
        var dashboard = JsonNode.Parse((string)configMap["data"]!["imagerec-k8s.json"]!)!;
        Assert.Equal("imagerec-k8s", (string?)dashboard["uid"]);
    }

    [Fact]
    public void Every_metric_the_dashboard_queries_is_one_our_services_export()
    {
        var metrics = DashboardQueries.MetricNames();
        Assert.NotEmpty(metrics);

        var declared = Directory.EnumerateFiles(RepositoryPaths.Root, "*.cs", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}common{Path.DirectorySeparatorChar}") || f.Contains($"{Path.DirectorySeparatorChar}worker{Path.DirectorySeparatorChar}")
                || f.Contains($"{Path.DirectorySeparatorChar}webtier{Path.DirectorySeparatorChar}") || f.Contains($"{Path.DirectorySeparatorChar}operator{Path.DirectorySeparatorChar}"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => InstrumentName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();

        foreach (var metric in metrics)
        {
            var instrument = Suffix().Replace(metric, "");
            Assert.True(declared.Contains(instrument), $"the dashboard queries {metric}, but no instrument named {instrument} exists");
        }
    }

    [GeneratedRegex("\"(imagerec_[a-z_]+)\"")]
    private static partial Regex InstrumentName();

    [GeneratedRegex("(_bucket|_sum|_count|_total)$")]
    private static partial Regex Suffix();
}
