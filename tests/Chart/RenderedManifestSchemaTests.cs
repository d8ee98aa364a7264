using System.Text.Json.Nodes;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>Every object `helm template` renders is valid for Kubernetes 1.35 (OpenAPI v3, unknown fields refused).</summary>
public class RenderedManifestSchemaTests
{
    public static TheoryData<int, string> HelmAndValues() => ChartUnderTest.HelmAndValues();

    [Theory]
    [MemberData(nameof(HelmAndValues))]
    public void Every_rendered_object_matches_its_schema(int helm, string values)
    {
        var manifests = RenderedChart.Manifests(helm, values);
        Assert.NotEmpty(manifests);

        var errors = manifests
            .SelectMany(m => ManifestValidator.Validate(m, RecognitionPoolCrd.Schema).Select(e => $"{m["kind"]} {m.Name()}: {e}"))
            .ToList();

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Theory]
    [MemberData(nameof(HelmAndValues))]
    public void Object_names_are_unique_per_kind(int helm, string values)
    {
        var duplicates = RenderedChart.Manifests(helm, values)
            .GroupBy(m => $"{m["kind"]}/{m.Name()}").Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Helm_3_and_Helm_4_render_the_same_objects(string values)
    {
        var helm3 = RenderedChart.Manifests(3, values);
        var helm4 = RenderedChart.Manifests(4, values);
        Assert.Equal(helm3.Count, helm4.Count);
        for (var i = 0; i < helm3.Count; i++)
            Assert.True(JsonNode.DeepEquals(helm3[i], helm4[i]), $"{helm3[i]["kind"]} {helm3[i].Name()} differs between Helm 3 and Helm 4");
    }

    public static TheoryData<string> ValuesFiles() => new(ChartUnderTest.ValuesFiles);

    [Fact]
    public void The_expected_objects_are_rendered_with_default_values()
    {
        var kinds = RenderedChart.Manifests(4, ChartUnderTest.DefaultValues).Select(m => $"{m["kind"]}").Order().ToList();
        Assert.Equal(
            ["ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Deployment", "NetworkPolicy", "NetworkPolicy",
             "Pod", "PodDisruptionBudget", "PodDisruptionBudget", "Service", "Service", "ServiceAccount", "ServiceAccount"],
            kinds);
    }

    [Fact]
    public void The_chart_templates_no_worker_Deployment_because_the_operator_owns_it()
    {
        foreach (var values in ChartUnderTest.ValuesFiles)
            Assert.DoesNotContain(RenderedChart.Manifests(4, values).OfKind("Deployment"),
                d => (string?)d["metadata"]!["labels"]!["app.kubernetes.io/component"] == "worker");
    }
}
