using System.Diagnostics;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Chart;

/// <summary>`make e2e-k3d` (eng/e2e-k3d.sh): the chart on a real k3d cluster. Skipped, saying why, without Docker or k3d.</summary>
public class K3dEndToEndTests
{
    [FactWhenK3dAvailable]
    public void The_chart_classifies_an_upload_on_k3d()
    {
        using var process = Process.Start(new ProcessStartInfo("bash", "eng/e2e-k3d.sh") { WorkingDirectory = RepositoryPaths.Root })!;
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(40)), "e2e-k3d timed out");
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public void The_script_checks_its_tools_and_tears_down()
    {
        var script = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "eng", "e2e-k3d.sh"));
        Assert.Contains("trap cleanup EXIT", script);
        Assert.Contains("k3d cluster delete", script);
        Assert.Contains("fauxqs@", script);
        Assert.Contains("helm\" test", script.Replace("$helm test", "helm\" test"));
    }
}
