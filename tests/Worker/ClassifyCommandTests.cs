using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Worker;

/// <summary>`imagerec-worker classify` as a user runs it: a real process over the test images.</summary>
public sealed class ClassifyCommandTests
{
    private static async Task<(int ExitCode, string[] Lines, string Errors)> RunAsync(params string[] args)
    {
        var worker = Path.Combine(RepositoryPaths.Root, "worker", "bin", RepositoryPaths.Configuration, "net10.0", "imagerec-worker");
        var start = new ProcessStartInfo(worker, ["classify", .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SHARED_DIR"] = RepositoryPaths.Shared;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries), await errors);
    }

    [Fact]
    public async Task Classifies_a_folder_one_line_per_image_then_a_throughput_line()
    {
        var expected = ExpectedLabel.Load();
        var (exitCode, lines, errors) = await RunAsync(
            "--model", RepositoryPaths.SharedFile("models", "mobilenetv2-12-int8.onnx"),
            "--labels", RepositoryPaths.SharedFile("models", "imagenet_classes.txt"),
            RepositoryPaths.TestImages);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(expected.Count + 1, lines.Length);
        foreach (var e in expected)
        {
            var line = Assert.Single(lines, l => l.StartsWith(e.File + "\t", StringComparison.Ordinal));
            Assert.Equal(e.Index.ToString(), line.Split('\t')[1]);
        }
        Assert.Matches(new Regex(@"^images=30 seconds=\d+\.\d+ images_per_second=\d+\.\d+$"), lines[^1]);
    }

    [Fact]
    public async Task Breakdown_times_decoding_and_the_model_apart_and_their_combined_rate()
    {
        var (exitCode, lines, errors) = await RunAsync("--baseline", "--breakdown", "--batch", "4", RepositoryPaths.TestImages);

        Assert.True(exitCode == 0, errors);
        var figures = lines[^1].Split(' ').Select(pair => pair.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.Equal(
            ["images", "seconds", "images_per_second", "baseline_images_per_second", "ratio", "decode_images_per_second",
             "lane_model_images_per_second", "additive_images_per_second", "pipeline_vs_additive", "additive_ratio"],
            figures.Keys);
        var (decode, model, additive) = (figures["decode_images_per_second"], figures["lane_model_images_per_second"], figures["additive_images_per_second"]);
        Assert.All([decode, model, additive], rate => Assert.True(rate > 0));
        // Two costs paid one after the other: the combined rate is below either alone, 1/(1/d + 1/m).
        Assert.Equal(1 / (1 / decode + 1 / model), additive, 0.05 + additive * (0.05 / decode + 0.05 / model) + 1e-9);
        // Printed with one decimal (rates) and three (the ratio): allow for that rounding, nothing more.
        var (rate, ratio) = (figures["images_per_second"], figures["pipeline_vs_additive"]);
        Assert.Equal(rate / additive, ratio, 0.0005 + ratio * (0.05 / rate + 0.05 / additive) + 1e-9);
    }

    [Fact]
    public async Task Runs_on_lanes_only_as_the_worker_does()
    {
        // The worker has no mode that overlaps one batch's decoding with another's model run, so classify has none either.
        var (exitCode, _, errors) = await RunAsync("--lanes", "0", RepositoryPaths.TestImages);
        Assert.Equal(2, exitCode);
        Assert.Contains("--lanes needs a number >= 1", errors);
    }

    [Fact]
    public async Task Cuda_on_the_CPU_build_fails_saying_why_instead_of_measuring_the_CPU()
    {
        var (exitCode, lines, errors) = await RunAsync("--cuda", "--baseline", RepositoryPaths.TestImages);
        Assert.Equal(3, exitCode);
        Assert.Empty(lines);
        Assert.Contains("CUDA was required (Model:RequireGpu=true) but is not available", errors);
        Assert.Contains("-p:OnnxRuntimeFlavor=Gpu", errors);
    }

    [Fact]
    public async Task Says_which_file_is_missing()
    {
        var (exitCode, _, errors) = await RunAsync("--model", "/nonexistent/model.onnx", RepositoryPaths.TestImages);
        Assert.Equal(2, exitCode);
        Assert.Contains("model file not found (/nonexistent/model.onnx)", errors);
    }
}
