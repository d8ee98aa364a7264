using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>Every value has a `## @param` line, every @param names a real value, and the README table lists exactly the @params.</summary>
public partial class ChartReadmeTests
{
    private static string ValuesText => File.ReadAllText(Path.Combine(ChartUnderTest.Directory, "values.yaml"));

    private static List<string> Params => ParamLine().Matches(ValuesText).Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public void The_README_table_lists_exactly_the_params_in_order()
    {
        var readme = File.ReadAllText(Path.Combine(ChartUnderTest.Directory, "README.md"));
        var rows = ReadmeRow().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        Assert.True(Params.SequenceEqual(rows), "charts/image-recognition/README.md is stale: run eng/chart-readme.sh");
    }

    [Fact]
    public void Every_value_is_documented_by_a_param()
    {
        var documented = Params.ToHashSet();
        var undocumented = Leaves(YamlManifests.ParseNode(ValuesText)!, "")
            .Where(path => !Prefixes(path).Any(documented.Contains)).ToList();
        Assert.True(undocumented.Count == 0, "values without a ## @param line: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void Every_param_names_a_value()
    {
        var values = YamlManifests.ParseNode(ValuesText)!;
        var missing = Params.Where(p => p.Split('.').Aggregate((JsonNode?)values, (node, key) => node?[key]) is null
                                        && !HasKey(values, p)).ToList();
        Assert.Empty(missing);
    }

    private static bool HasKey(JsonNode root, string path)
    {
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate((JsonNode?)root, (node, key) => node?[key]);
        return parent is JsonObject obj && obj.ContainsKey(parts[^1]);
    }

    private static IEnumerable<string> Leaves(JsonNode node, string path) =>
        node is JsonObject obj && obj.Count > 0
            ? obj.SelectMany(p => p.Value is null ? [Join(path, p.Key)] : Leaves(p.Value, Join(path, p.Key)))
            : [path];

    private static string Join(string path, string key) => path == "" ? key : $"{path}.{key}";

    private static IEnumerable<string> Prefixes(string path)
    {
        var parts = path.Split('.');
        for (var i = parts.Length; i > 0; i--) yield return string.Join('.', parts[..i]);
    }

    [GeneratedRegex(@"^\s*## @param (\S+) ", RegexOptions.Multiline)]
    private static partial Regex ParamLine();

    [GeneratedRegex(@"^\| `([^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();
}
