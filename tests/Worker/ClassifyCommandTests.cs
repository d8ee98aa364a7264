using System.Diagnostics;
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
    public async Task Says_which_file_is_missing()
    {
        var (exitCode, _, errors) = await RunAsync("--model", "/nonexistent/model.onnx", RepositoryPaths.TestImages);
        Assert.Equal(2, exitCode);
        Assert.Contains("model file not found (/nonexistent/model.onnx)", errors);
    }
}
