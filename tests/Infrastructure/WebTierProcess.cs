using System.Diagnostics;
using System.Text;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// One more web tier process on a stack's queues and buckets (as a second replica would be), on a port
/// of the test's choosing; stopped with SIGTERM on dispose unless the test stopped it already.
/// </summary>
public sealed class WebTierProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WebTierProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="awsEndpoint">Where it reaches SQS/S3; the stack's emulator unless given.</param>
    /// <param name="arguments">Extra command-line settings, e.g. <c>--RateLimit:Burst=2</c>.</param>
    public static async Task<WebTierProcess> StartAsync(LocalStackFixture stack, int port, Uri? awsEndpoint = null, IReadOnlyList<string>? arguments = null)
    {
        var executable = Path.Combine(RepositoryPaths.Root, "webtier", "bin", RepositoryPaths.Configuration, "net10.0", "imagerec-webtier");
        var start = new ProcessStartInfo(executable, ["--urls", $"http://127.0.0.1:{port}", .. arguments ?? []])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["Aws__ServiceUrl"] = (awsEndpoint ?? stack.Emulator).ToString().TrimEnd('/');
        start.Environment["Aws__AccessKeyId"] = "local";
        start.Environment["Aws__SecretAccessKey"] = "local";
        start.Environment["Queue__RequestQueue"] = "imagerec-requests";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        var webTier = new WebTierProcess(new Process { StartInfo = start }, new Uri($"http://127.0.0.1:{port}/"));
        webTier._process.OutputDataReceived += (_, e) => webTier.Append(e.Data);
        webTier._process.ErrorDataReceived += (_, e) => webTier.Append(e.Data);
        webTier._process.Start();
        webTier._process.BeginOutputReadLine();
        webTier._process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var ready = await stack.Http.GetAsync(new Uri(webTier.BaseAddress, "readyz"));
                if (ready.IsSuccessStatusCode) return webTier;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (webTier.HasExited || deadline.Elapsed > ReadyTimeout)
            {
                await webTier.DisposeAsync();
                throw new InvalidOperationException($"web tier on port {port} not ready within {ReadyTimeout}:\n{webTier.Output}");
            }
            await Task.Delay(200);
        }
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
