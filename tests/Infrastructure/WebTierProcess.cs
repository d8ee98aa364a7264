using System.Diagnostics;
using System.Text;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// A web tier process (the built imagerec-webtier) on a loopback port, configured through environment
/// variables (<c>Section__Key</c>) the way the chart and eng/run-local.sh configure it — for instance one
/// more replica on a stack's queues and buckets (<see cref="LocalStackFixture.WebTierSettings"/>).
/// Started and ready when <see cref="StartAsync"/> returns; stopped with SIGTERM on dispose unless the
/// test stopped it already.
/// </summary>
public sealed class WebTierProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WebTierProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote so far (stdout and stderr), for assertions on log lines and failure messages.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Settings for a web tier on the emulator at <paramref name="emulator"/> with the given queue and buckets.</summary>
    public static Dictionary<string, string> OnEmulator(Uri emulator, string requestQueue, string inputBucket = "imagerec-input", string resultBucket = "imagerec-results") => new()
    {
        ["Aws__ServiceUrl"] = emulator.ToString().TrimEnd('/'),
        ["Aws__Region"] = "us-east-1",
        ["Aws__AccessKeyId"] = "local",
        ["Aws__SecretAccessKey"] = "local",
        ["Queue__RequestQueue"] = requestQueue,
        ["Storage__InputBucket"] = inputBucket,
        ["Storage__ResultBucket"] = resultBucket,
    };

    /// <param name="environment">The process's settings.</param>
    /// <param name="port">The port to listen on (a free one when null); a restarted replica reuses its predecessor's.</param>
    public static async Task<WebTierProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int? port = null)
    {
        var listenOn = port ?? FreePorts.One();
        var webTier = new WebTierProcess(Launch(environment, listenOn), new Uri($"http://127.0.0.1:{listenOn}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (webTier._process.HasExited)
                throw new InvalidOperationException($"the web tier exited during start-up ({webTier._process.ExitCode}):\n{webTier.Output}");
            try
            {
                using var ready = await http.GetAsync(new Uri(webTier.BaseAddress, "readyz"));
                if (ready.IsSuccessStatusCode) return webTier;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (deadline.Elapsed > ReadyTimeout)
            {
                await webTier.DisposeAsync();
                throw new TimeoutException($"the web tier was not ready within {ReadyTimeout}:\n{webTier.Output}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Starts a web tier that is expected to refuse to start; its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        await using var webTier = new WebTierProcess(Launch(environment, FreePorts.One()), new Uri("http://127.0.0.1/"));
        try
        {
            await webTier.WaitForExitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the web tier was expected to exit but still runs after {timeout}:\n{webTier.Output}");
        }
        return (webTier._process.ExitCode, webTier.Output);
    }

    private static Process Launch(IReadOnlyDictionary<string, string> environment, int port)
    {
        var executable = Path.Combine(RepositoryPaths.Root, "webtier", "bin", RepositoryPaths.Configuration, "net10.0", "imagerec-webtier");
        var start = new ProcessStartInfo(executable, ["--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        process.Start();
        return process;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Signal(int signal) => ProcessSignals.Send(_process.Id, signal);

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(ProcessSignals.SigTerm);
            try
            {
                await WaitForExitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
