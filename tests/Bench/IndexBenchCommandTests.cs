using System.Diagnostics;
using System.Text.RegularExpressions;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Bench;

/// <summary>
/// <c>make bench-index</c>'s command (bench/ImageRec.IndexBench) at a tiny size: it starts its own emulator, loads,
/// checks every page it times, and prints issue #12's lines in their format. The figures themselves are in
/// docs/performance.md; this only keeps the command working.
/// </summary>
public sealed partial class IndexBenchCommandTests
{
    [Fact]
    public async Task At_a_tiny_size_the_command_prints_a_line_per_size_and_the_ratio()
    {
        var binary = Path.Combine(RepositoryPaths.Root, "bench", "ImageRec.IndexBench", "bin", RepositoryPaths.Configuration, "net10.0", "imagerec-bench-index");
        var start = new ProcessStartInfo(binary, ["--sizes", "20,60", "--s3-sizes", "20", "--pages", "10", "--warmup", "2", "--s3-budget-s", "5"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("URL");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));

        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await errors}");
        var figures = lines.Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(4, figures.Length);
        Assert.Matches(Figures("index_page", 20), figures[0]);
        Assert.Matches(Figures("index_page", 60), figures[1]);
        Assert.Matches(Figures("s3_listing_page", 20), figures[2]);
        Assert.Matches(RatioLine(), figures[3]);
        Assert.Contains(lines, l => l.StartsWith("# index_load images=60 items=70 ", StringComparison.Ordinal));
    }

    private static Regex Figures(string name, int size) =>
        new($@"^{name} images={size} p50_ms=\d+(\.\d\d)? p99_ms=\d+(\.\d\d)? label_p50_ms=\d+(\.\d\d)? label_p99_ms=\d+(\.\d\d)?$");

    [GeneratedRegex(@"^index_page_ratio p99_60_over_p99_20=\d+\.\d\d$")]
    private static partial Regex RatioLine();
}
