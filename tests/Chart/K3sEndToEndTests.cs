using System.Diagnostics;
using ImageRec.Tests.Infrastructure;
using Testcontainers.K3s;

namespace ImageRec.Tests.Chart;

/// <summary>
/// The chart on a real Kubernetes: a throwaway k3s in a container (Testcontainers.K3s) is fed our images,
/// then eng/e2e-chart.sh installs the emulator and the chart, applies the sample RecognitionPool, waits for
/// its workers and runs `helm test` (one upload classified). Needs a Docker engine that can pull rancher/k3s
/// and the images' bases: skipped, saying why, where there is none (`make e2e-k3s` runs this test alone).
/// </summary>
public class K3sEndToEndTests
{
    /// <summary>Kubernetes 1.32, the kubectl version the tests use elsewhere.</summary>
    private const string K3sImage = "rancher/k3s:v1.32.5-k3s1";

    private const string Tag = "e2e";

    [FactWhenDockerAvailable]
    public async Task The_chart_installs_and_a_pool_gets_ready_workers_that_classify()
    {
        var work = Directory.CreateTempSubdirectory("imagerec-e2e-");
        try
        {
            await RunAsync("make", ["images", "IMAGE_REGISTRY=imagerec", $"IMAGE_TAG={Tag}"], TimeSpan.FromMinutes(30));
            var images = Path.Combine(work.FullName, "images.tar");
            await RunAsync("docker", ["save", "-o", images, .. new[] { "webtier", "operator", "worker" }.Select(i => $"imagerec/{i}:{Tag}")], TimeSpan.FromMinutes(5));

            await using var k3s = new K3sBuilder(K3sImage).Build();
            await k3s.StartAsync();
            await k3s.CopyAsync(new FileInfo(images), "/tmp/");
            var import = await k3s.ExecAsync(["ctr", "images", "import", "/tmp/images.tar"]);
            Assert.True(import.ExitCode == 0, "ctr images import: " + import.Stderr);

            var kubeconfig = Path.Combine(work.FullName, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, await k3s.GetKubeconfigAsync());
            await RunAsync("bash", ["eng/e2e-chart.sh"], TimeSpan.FromMinutes(20),
                new() { ["KUBECONFIG"] = kubeconfig, ["IMAGE_TAG"] = Tag, ["SHARED_DIR"] = RepositoryPaths.Shared });
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_script_refuses_to_run_without_a_cluster_to_throw_away()
    {
        var output = await RunAsync("bash", ["eng/e2e-chart.sh"], TimeSpan.FromMinutes(1), new() { ["KUBECONFIG"] = "" }, expectExitCode: 2);
        Assert.Contains("KUBECONFIG must name the kubeconfig of a throwaway cluster", output);
    }

    /// <summary>Runs a command in the repository root; fails with its output unless it exits with the expected code.</summary>
    private static async Task<string> RunAsync(string command, string[] arguments, TimeSpan timeout,
        Dictionary<string, string>? environment = null, int expectExitCode = 0)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var text = await output + await errors;
        Assert.True(process.ExitCode == expectExitCode, $"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        return text;
    }
}
