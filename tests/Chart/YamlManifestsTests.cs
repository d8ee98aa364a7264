using System.Text.Json;
using System.Text.Json.Nodes;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>Scalars resolve as the API server reads them (YAML 1.1 via go-yaml v2), so type checks are faithful.</summary>
public class YamlManifestsTests
{
    [Theory]
    [InlineData("yes", "true")]
    [InlineData("Off", "false")]
    [InlineData("\"yes\"", "\"yes\"")]
    [InlineData("'8080'", "\"8080\"")]
    [InlineData("8080", "8080")]
    [InlineData("-3", "-3")]
    [InlineData("0755", "493")]
    [InlineData("0x1F", "31")]
    [InlineData("1.5", "1.5")]
    [InlineData("~", "null")]
    [InlineData("512Mi", "\"512Mi\"")]
    [InlineData("1e3", "1000")]
    [InlineData("v1.2", "\"v1.2\"")]
    [InlineData("!!str 12", "\"12\"")]
    public void Plain_scalars_resolve_like_the_API_server(string yaml, string json)
    {
        var node = YamlManifests.ParseNode($"v: {yaml}")!["v"];
        Assert.Equal(json, node?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Comment_only_documents_are_skipped_and_every_object_is_kept()
    {
        var manifests = YamlManifests.Parse("---\n# Source: a\n---\nkind: A\n---\n# Source: b\nkind: B\n");
        Assert.Equal(["A", "B"], manifests.Select(m => (string?)m["kind"]));
    }

    [Fact]
    public void Duplicate_keys_are_an_error() =>
        Assert.Throws<FormatException>(() => YamlManifests.Parse("kind: A\nkind: B\n"));

    [Fact]
    public void Integers_are_integers_and_floats_are_not()
    {
        var node = YamlManifests.ParseNode("{ a: 3, b: 3.0 }")!;
        Assert.True(node["a"]!.AsValue().TryGetValue<long>(out _));
        Assert.False(node["b"]!.AsValue().TryGetValue<long>(out _));
        Assert.Equal(JsonValueKind.Number, node["b"]!.GetValueKind());
    }
}
