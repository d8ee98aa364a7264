using System.Diagnostics;
using System.Text;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// One of the built services (imagerec-webtier, -worker, -operator, -identity) run as a process,
/// configured through arguments and environment variables (<c>Section__Key</c>) the way the chart and
/// eng/run-local.sh configure it, with what it writes kept for assertions. Stopped with SIGTERM on
/// dispose unless it exited already.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The service's build output folder, e.g. webtier/bin/Release/net10.0.</summary>
    public static string BinaryDirectory(string project) => Path.Combine(RepositoryPaths.Root, project, "bin", RepositoryPaths.Configuration, "net10.0");

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the process wrote so far (stdout and stderr).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="project">Its folder in the repository: webtier, worker, operator or identity.</param>
    /// <param name="workingDirectory">Where it starts (the test's own when null).</param>
    public static ServiceProcess Start(string project, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Path.Combine(BinaryDirectory(project), $"imagerec-{project}"), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        process.Start();
        return new ServiceProcess(process);
    }

    /// <summary>Waits until <paramref name="url"/> answers 2xx; fails with the output if the process exits first or the time runs out.</summary>
    public async Task WaitUntilAnswersAsync(Uri url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited during start-up ({_process.ExitCode}):\n{Output}");
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{url} did not answer within {timeout}:\n{Output}");
            await Task.Delay(200);
        }
    }

    public void Signal(int signal) => ProcessSignals.Send(_process.Id, signal);

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

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
        // Let the last lines arrive before anyone reads Output.
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
