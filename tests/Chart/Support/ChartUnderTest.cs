using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Chart.Support;

/// <summary>The chart in charts/image-recognition and the values files CI renders it with.</summary>
public static class ChartUnderTest
{
    public const string ReleaseName = "imagerec";
    public const string Namespace = "imagerec";

    /// <summary>Stands for "the chart's own values.yaml, nothing else" in theory data.</summary>
    public const string DefaultValues = "(default)";

    public static string Directory => Path.Combine(RepositoryPaths.Root, "charts", "image-recognition");

    /// <summary>Default values, every ci/*-values.yaml and every examples/*.yaml, as paths relative to the chart.</summary>
    public static IReadOnlyList<string> ValuesFiles { get; } =
    [
        DefaultValues,
        .. System.IO.Directory.GetFiles(Path.Combine(Directory, "ci"), "*-values.yaml").Order(StringComparer.Ordinal).Select(f => "ci/" + Path.GetFileName(f)),
        .. System.IO.Directory.GetFiles(Path.Combine(Directory, "examples"), "*.yaml").Order(StringComparer.Ordinal).Select(f => "examples/" + Path.GetFileName(f)),
    ];

    /// <summary>(helm major, values file) for every Helm and every values file.</summary>
    public static TheoryData<int, string> HelmAndValues()
    {
        var data = new TheoryData<int, string>();
        foreach (var major in new[] { 3, 4 })
            foreach (var values in ValuesFiles) data.Add(major, values);
        return data;
    }

    public static TheoryData<int> HelmMajors() => new() { 3, 4 };

    /// <summary>helm arguments that select a values file (none for the defaults).</summary>
    public static IEnumerable<string> ValuesArguments(string valuesFile) =>
        valuesFile == DefaultValues ? [] : ["-f", Path.Combine(Directory, valuesFile)];
}
