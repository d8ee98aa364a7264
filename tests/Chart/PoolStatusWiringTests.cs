using System.Text.Json.Nodes;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>
/// The web tier's pool panel reaches the operator in the rendered chart: <c>Pool__StatusUrl</c> names
/// the operator Service, its port and a pool, and both NetworkPolicies let that one call through.
/// </summary>
public class PoolStatusWiringTests
{
    public static TheoryData<int, string> HelmAndValues() => ChartUnderTest.HelmAndValues();

    private static JsonObject Component(IEnumerable<JsonObject> manifests, string kind, string component) =>
        Assert.Single(manifests.OfKind(kind), m => (string?)m["metadata"]?["labels"]?["app.kubernetes.io/component"] == component);

    private static string? StatusUrl(IReadOnlyList<JsonObject> manifests) =>
        (string?)Component(manifests, "Deployment", "webtier")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .SingleOrDefault(e => (string?)e!["name"] == "Pool__StatusUrl")?["value"];

    private static bool Selects(JsonNode? selector, JsonObject podLabels) => Matches(selector?["matchLabels"], podLabels);

    private static bool Matches(JsonNode? labels, JsonObject podLabels) =>
        labels is JsonObject wanted && wanted.All(l => (string?)podLabels[l.Key] == (string?)l.Value);

    [Theory]
    [MemberData(nameof(HelmAndValues))]
    public void The_status_url_names_the_operator_service_and_the_network_policies_allow_the_call(int helm, string values)
    {
        var manifests = RenderedChart.Manifests(helm, values);
        var url = new Uri(StatusUrl(manifests) ?? throw new Xunit.Sdk.XunitException("the web tier has no Pool__StatusUrl"));
        var service = Component(manifests, "Service", "operator");
        Assert.Equal(service.Name(), url.Host);
        Assert.Contains(service["spec"]!["ports"]!.AsArray(), p => (long?)p!["port"] == url.Port);
        // The sample pool when the chart creates one; otherwise the name it would have.
        var pool = manifests.OfKind("RecognitionPool").SingleOrDefault()?.Name() ?? "default";
        Assert.Equal($"/status/{ChartUnderTest.Namespace}/{pool}", url.AbsolutePath);

        var operatorPods = Component(manifests, "Deployment", "operator")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var webTierPods = Component(manifests, "Deployment", "webtier")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.True(Matches(service["spec"]!["selector"], operatorPods), "the operator Service selects the operator's pods");
        var policies = manifests.OfKind("NetworkPolicy").ToList();
        if (policies.Count == 0) return; // networkPolicy.enabled: false lets everything through

        var egress = Component(policies, "NetworkPolicy", "webtier")["spec"]!["egress"]!.AsArray();
        Assert.Contains(egress, rule => rule!["to"] is JsonArray to && to.Any(peer => Selects(peer!["podSelector"], operatorPods))
            && rule["ports"]!.AsArray().Any(p => (long?)p!["port"] == 8080));
        var ingress = Component(policies, "NetworkPolicy", "operator")["spec"]!["ingress"]!.AsArray();
        Assert.Contains(ingress, rule => rule!["from"] is JsonArray from && from.Any(peer => Selects(peer!["podSelector"], webTierPods))
            && rule["ports"]!.AsArray().Any(p => (long?)p!["port"] == 8080));
    }

    [Theory]
    [MemberData(nameof(HelmMajors))]
    public void The_pool_can_be_named_or_the_panel_turned_off(int helm)
    {
        var named = RenderedChart.Template(helm, "--set", "webtier.poolStatus.poolName=photos", "--set", "webtier.poolStatus.poolNamespace=pools");
        Assert.True(named.Succeeded, named.Describe());
        Assert.EndsWith(":8080/status/pools/photos", StatusUrl(YamlManifests.Parse(named.StdOut)));

        var off = RenderedChart.Template(helm, "--set", "webtier.poolStatus.enabled=false");
        Assert.True(off.Succeeded, off.Describe());
        var manifests = YamlManifests.Parse(off.StdOut);
        Assert.Null(StatusUrl(manifests));
        Assert.Single(Component(manifests, "NetworkPolicy", "operator")["spec"]!["ingress"]!.AsArray());
        Assert.DoesNotContain(Component(manifests, "NetworkPolicy", "webtier")["spec"]!["egress"]!.AsArray(), rule => rule!["to"] is not null);

        var refused = RenderedChart.Template(helm, "--set", "webtier.poolStatus.poolName=Not_A_Name");
        Assert.False(refused.Succeeded, "a pool name that is no Kubernetes name must be refused");
    }

    public static TheoryData<int> HelmMajors() => ChartUnderTest.HelmMajors();
}
