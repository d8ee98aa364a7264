using System.Diagnostics;
using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Worker;

/// <summary>
/// The worker's ONNX Runtime package per build flavour, read from MSBuild's evaluation of the project: the
/// CPU and GPU packages each ship a libonnxruntime.so, so a build that referenced both would run whichever
/// was copied last. worker/Dockerfile.gpu and eng/gpu-check.sh rely on the Gpu flavour.
/// </summary>
public sealed class OnnxRuntimeFlavorTests
{
    private static readonly string Project = Path.Combine(RepositoryPaths.Root, "worker", "ImageRec.Worker.csproj");

    private static async Task<(int ExitCode, string Output)> MSBuildAsync(params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet, ["msbuild", Project, "-nologo", .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await errors);
    }

    private static async Task<string[]> OnnxRuntimePackagesAsync(params string[] properties)
    {
        var (exitCode, output) = await MSBuildAsync(["-getItem:PackageReference", .. properties]);
        Assert.True(exitCode == 0, output);
        return JsonNode.Parse(output)!["Items"]!["PackageReference"]!.AsArray()
            .Select(item => (string)item!["Identity"]!)
            .Where(name => name.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal))
            .ToArray();
    }

    [Fact]
    public async Task The_default_build_references_the_CPU_package_alone() =>
        Assert.Equal(["Microsoft.ML.OnnxRuntime"], await OnnxRuntimePackagesAsync());

    [Fact]
    public async Task The_Gpu_flavour_references_the_CUDA_package_alone() =>
        Assert.Equal(["Microsoft.ML.OnnxRuntime.Gpu.Linux"], await OnnxRuntimePackagesAsync("-p:OnnxRuntimeFlavor=Gpu"));

    [Fact]
    public async Task An_unknown_flavour_fails_the_build_naming_the_choices()
    {
        var (exitCode, output) = await MSBuildAsync("-t:CheckOnnxRuntimeFlavor", "-p:OnnxRuntimeFlavor=Cuda");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("OnnxRuntimeFlavor is 'Cuda'; it must be Cpu (the default) or Gpu.", output);
    }
}
