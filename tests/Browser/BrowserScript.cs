using System.Diagnostics;
using System.Text;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Browser;

/// <summary>Runs a Node script of tests/Browser (playwright-core driving Debian's headless Chromium).</summary>
public static class BrowserScript
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs the script with a scenario file; stdout and stderr interleaved, as a person would read them.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, string scenario)
    {
        var node = Path.Combine(RepositoryPaths.Root, ".deps", "emulator", "node_modules", ".bin", "node");
        foreach (var needed in new[] { node, "/usr/bin/chromium", Path.Combine(RepositoryPaths.Root, ".deps", "browser", "node_modules", "playwright-core", "index.mjs") })
            if (!File.Exists(needed)) throw new FileNotFoundException($"{needed} is missing: run `make deps` (eng/deps.sh installs Node 22, chromium and playwright-core).", needed);

        var start = new ProcessStartInfo(node, [Path.Combine(RepositoryPaths.Root, "tests", "Browser", script), scenario])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output) output.AppendLine($"(killed: no result within {Timeout})");
            return (-1, output.ToString());
        }
        await process.WaitForExitAsync(); // drains the redirected streams
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>The line the script prints last, <c>RESULT {json}</c>, as JSON.</summary>
    public static System.Text.Json.JsonElement Result(string output) => System.Text.Json.JsonDocument.Parse(
        output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..]).RootElement;
}
