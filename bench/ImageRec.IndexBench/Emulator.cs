using System.Diagnostics;
using System.Globalization;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.IndexBench;

/// <summary>
/// The local AWS endpoint the bench measures: eng/emulator/server.mjs (dynalite for DynamoDB, fauxqs for S3) started
/// here on a free port, or one already running at <c>--url</c>. Started here, it exits with the bench: its stdin is
/// ours, and it leaves on stdin's end.
/// </summary>
internal sealed class Emulator : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly string? _levelDbFolder;

    private Emulator(Uri url, Process? process, string? levelDbFolder)
    {
        Url = url;
        _process = process;
        _levelDbFolder = levelDbFolder;
    }

    public Uri Url { get; }

    /// <summary>What the bench runs against, in words.</summary>
    public string Description => _process is null
        ? $"{Url} (given; its dynalite store is whatever it was started with)"
        : $"{Url} (started here: dynalite on {(_levelDbFolder is null ? "memory-level, in memory" : $"LevelDB in {_levelDbFolder}")}, fauxqs S3 in memory)";

    /// <summary>The emulator process's resident memory in MiB, when the bench started it.</summary>
    public long? ResidentMiB()
    {
        if (_process is null || !File.Exists($"/proc/{_process.Id}/status")) return null;
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var kb, ..] ? long.Parse(kb, CultureInfo.InvariantCulture) / 1024 : null;
    }

    /// <summary>
    /// The emulator of <paramref name="options"/>: the given URL, or a new one whose dynalite keeps its tables in a
    /// temporary LevelDB folder (<see cref="BenchOptions.LevelDb"/>) or in memory.
    /// </summary>
    public static async Task<Emulator> StartAsync(BenchOptions options)
    {
        if (options.Url is { } url) return new Emulator(url, null, null);

        var root = RepositoryPaths.Root;
        var node = Path.Combine(root, ".deps", "emulator", "node_modules", ".bin", "node");
        if (!File.Exists(node)) throw new InvalidOperationException($"{node} is missing: run `make deps` (or pass --url).");
        var levelDb = options.LevelDb ? Directory.CreateTempSubdirectory("imagerec-bench-index-").FullName : null;
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--no-warnings", Path.Combine(root, "eng", "emulator", "server.mjs"), "0" }) start.ArgumentList.Add(arg);
        start.Environment["EMULATOR_EXIT_ON_STDIN_CLOSE"] = "1";
        if (levelDb is not null) start.Environment["EMULATOR_DYNAMODB_PATH"] = levelDb;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {node}");
        var emulator = new Emulator(new Uri("http://127.0.0.1/"), process, levelDb);
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                if (!line.StartsWith("listening ", StringComparison.Ordinal)) continue;
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return new Emulator(new Uri(line["listening ".Length..].Trim().TrimEnd('/') + "/"), process, levelDb);
            }
        }
        catch (OperationCanceledException)
        {
            await emulator.DisposeAsync();
            throw new TimeoutException("the emulator printed no `listening` line within 30 s");
        }
        await emulator.DisposeAsync();
        throw new InvalidOperationException($"the emulator exited before listening: {await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                process.StandardInput.Close();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                process.Kill();
            }
            process.Dispose();
        }
        if (_levelDbFolder is not null) Directory.Delete(_levelDbFolder, recursive: true);
    }
}
