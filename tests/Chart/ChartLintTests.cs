using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>`helm lint --strict` with Helm 3 and Helm 4 over the default values and every CI/example values file.</summary>
public class ChartLintTests
{
    public static TheoryData<int, string> HelmAndValues() => ChartUnderTest.HelmAndValues();

    [Theory]
    [MemberData(nameof(HelmAndValues))]
    public void Lints_strictly(int helm, string values)
    {
        var result = HelmBinary.ForMajor(helm).Run(
            ["lint", "--strict", ChartUnderTest.Directory, "--namespace", ChartUnderTest.Namespace, .. ChartUnderTest.ValuesArguments(values)],
            workingDirectory: null);

        Assert.True(result.Succeeded, result.Describe());
        Assert.Contains("0 chart(s) failed", result.StdOut);
    }

    [Fact]
    public void Every_ci_values_file_the_issue_names_exists()
    {
        foreach (var name in new[] { "cpu-pool", "gpu-pool", "ingress-off", "irsa-on" })
            Assert.Contains($"ci/{name}-values.yaml", ChartUnderTest.ValuesFiles);
    }
}
