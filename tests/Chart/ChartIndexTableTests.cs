using System.Text.Json.Nodes;
using ImageRec.Common.Index;
using ImageRec.Operator.Entities;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>
/// <c>index.tableName</c> names the image index table for the web tier (<c>Index__TableName</c>) and for the sample
/// pool's workers (<c>spec.storage.indexTable</c>), with the same default as the services and the CRD.
/// </summary>
public class ChartIndexTableTests
{
    public static TheoryData<int, string> HelmAndValues() => ChartUnderTest.HelmAndValues();

    public static TheoryData<int> HelmMajors() => ChartUnderTest.HelmMajors();

    private const string Pool = "samplePool.enabled=true,samplePool.queue.url=https://sqs.us-east-1.amazonaws.com/000000000000/q,samplePool.model.sha256=cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f";

    private static string? WebTierTable(IEnumerable<JsonObject> manifests) =>
        (string?)manifests.OfKind("Deployment").Single(d => d.Name().EndsWith("-webtier"))["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .SingleOrDefault(e => (string?)e!["name"] == "Index__TableName")?["value"];

    private static string? PoolTable(JsonObject pool) => (string?)pool["spec"]!["storage"]!["indexTable"];

    [Fact]
    public void The_default_table_is_the_services_and_the_CRDs()
    {
        var values = YamlManifests.ParseNode(File.ReadAllText(Path.Combine(ChartUnderTest.Directory, "values.yaml")))!;
        Assert.Equal(new ImageIndexOptions().TableName, (string?)values["index"]!["tableName"]);
        Assert.Equal(StorageSpec.DefaultIndexTable, (string?)values["index"]!["tableName"]);
    }

    [Theory]
    [MemberData(nameof(HelmAndValues))]
    public void The_web_tier_and_the_sample_pool_use_the_same_table(int helm, string values)
    {
        var manifests = RenderedChart.Manifests(helm, values);
        var table = WebTierTable(manifests);
        Assert.Equal(new ImageIndexOptions().TableName, table);
        Assert.All(manifests.OfKind("RecognitionPool"), pool => Assert.Equal(table, PoolTable(pool)));
    }

    [Theory]
    [MemberData(nameof(HelmMajors))]
    public void A_table_named_in_the_values_reaches_both(int helm)
    {
        var result = RenderedChart.Template(helm, "--set", $"{Pool},index.tableName=team-a.images_v2");
        Assert.True(result.Succeeded, result.Describe());
        var manifests = YamlManifests.Parse(result.StdOut);
        Assert.Equal("team-a.images_v2", WebTierTable(manifests));
        Assert.Equal("team-a.images_v2", PoolTable(manifests.OfKind("RecognitionPool").Single()));
    }

    [Theory]
    [InlineData(3, "ab")]
    [InlineData(4, "ab")]
    [InlineData(3, "images/v2")]
    [InlineData(4, "images table")]
    public void A_name_DynamoDB_would_refuse_is_refused(int helm, string name)
    {
        var result = RenderedChart.Template(helm, "--set", $"index.tableName={name}");
        Assert.False(result.Succeeded, $"rendered with index.tableName={name}");
        Assert.Contains("tableName", result.StdErr);
    }
}
