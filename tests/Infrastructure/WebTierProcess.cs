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

    private readonly ServiceProcess _process;

    private WebTierProcess(ServiceProcess process, Uri baseAddress) => (_process, BaseAddress) = (process, baseAddress);

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote so far (stdout and stderr), for assertions on log lines and failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Settings for a web tier on the emulator at <paramref name="emulator"/> with the given queue, buckets and index table.</summary>
    public static Dictionary<string, string> OnEmulator(Uri emulator, string requestQueue, string inputBucket = "imagerec-input", string resultBucket = "imagerec-results",
        string indexTable = "imagerec-images") => new()
    {
        ["Aws__ServiceUrl"] = emulator.ToString().TrimEnd('/'),
        ["Aws__Region"] = "us-east-1",
        ["Aws__AccessKeyId"] = "local",
        ["Aws__SecretAccessKey"] = "local",
        ["Queue__RequestQueue"] = requestQueue,
        ["Storage__InputBucket"] = inputBucket,
        ["Storage__ResultBucket"] = resultBucket,
        ["Index__TableName"] = indexTable,
    };

    /// <param name="environment">The process's settings.</param>
    /// <param name="port">The port to listen on (a free one when null); a restarted replica reuses its predecessor's.</param>
    public static async Task<WebTierProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int? port = null)
    {
        var listenOn = port ?? FreePorts.One();
        var webTier = new WebTierProcess(Launch(environment, listenOn), new Uri($"http://127.0.0.1:{listenOn}/"));
        try
        {
            await webTier._process.WaitUntilAnswersAsync(new Uri(webTier.BaseAddress, "readyz"), ReadyTimeout);
            return webTier;
        }
        catch
        {
            await webTier.DisposeAsync();
            throw;
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

    private static ServiceProcess Launch(IReadOnlyDictionary<string, string> environment, int port) =>
        ServiceProcess.Start("webtier", ["--urls", $"http://127.0.0.1:{port}"], environment);

    public void Signal(int signal) => _process.Signal(signal);

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
