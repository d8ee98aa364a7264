using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace ImageRec.Tests.Chart.Support;

/// <summary>`helm template` output of the chart, rendered once per (Helm, values file) and shared by the tests.</summary>
public static class RenderedChart
{
    private static readonly ConcurrentDictionary<(int, string), Lazy<IReadOnlyList<JsonObject>>> Cache = new();

    public static IReadOnlyList<JsonObject> Manifests(int helmMajor, string valuesFile) =>
        Cache.GetOrAdd((helmMajor, valuesFile), key => new(() => Render(key.Item1, key.Item2))).Value;

    /// <summary>Renders with extra arguments (--set, --show-only ...); not cached.</summary>
    public static HelmResult Template(int helmMajor, params string[] extraArguments) =>
        HelmBinary.ForMajor(helmMajor).Run(
            ["template", ChartUnderTest.ReleaseName, ChartUnderTest.Directory, "--namespace", ChartUnderTest.Namespace, .. extraArguments],
            workingDirectory: null);

    private static IReadOnlyList<JsonObject> Render(int helmMajor, string valuesFile)
    {
        var result = Template(helmMajor, [.. ChartUnderTest.ValuesArguments(valuesFile)]);
        if (!result.Succeeded) throw new InvalidOperationException($"helm{helmMajor} template with {valuesFile} failed: {result.Describe()}");
        return YamlManifests.Parse(result.StdOut);
    }

    public static IEnumerable<JsonObject> OfKind(this IEnumerable<JsonObject> manifests, string kind) =>
        manifests.Where(m => (string?)m["kind"] == kind);

    public static string Name(this JsonObject manifest) => (string?)manifest["metadata"]?["name"] ?? "(unnamed)";
}
