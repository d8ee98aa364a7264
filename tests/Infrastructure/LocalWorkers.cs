using System.Diagnostics;
using ImageRec.Common.Observability;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// The worker processes the operator runs in local mode, seen from outside: worker slot N serves
/// /metrics on <see cref="LocalStackFixture.FirstWorkerPort"/> + N, and its command line names that port.
/// </summary>
public static class LocalWorkers
{
    public sealed record Sample(int Port, string Metrics);

    /// <summary>The /metrics text of every slot in use right now.</summary>
    public static async Task<IReadOnlyList<Sample>> ScrapeAsync(LocalStackFixture stack)
    {
        var samples = new List<Sample>();
        for (var port = stack.FirstWorkerPort; port < stack.FirstWorkerPort + LocalStackFixture.MaxWorkers; port++)
        {
            try
            {
                samples.Add(new Sample(port, await stack.Http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"))));
            }
            catch (HttpRequestException)
            {
                // Slot not in use.
            }
        }
        return samples;
    }

    /// <summary>The sum of a metric's samples that carry every one of <paramref name="labels"/> (0 when there is none).</summary>
    public static double Value(string metrics, string name, params (string Name, string Value)[] labels) =>
        PrometheusExposition.Parse(metrics).Sum(name, labels);

    /// <summary>The port of the worker reporting the most in-flight jobs, and that number.</summary>
    public static async Task<(int Port, double InFlight)?> BusiestAsync(LocalStackFixture stack)
    {
        var samples = await ScrapeAsync(stack);
        if (samples.Count == 0) return null;
        var busiest = samples.MaxBy(s => Value(s.Metrics, "imagerec_worker_in_flight"))!;
        return (busiest.Port, Value(busiest.Metrics, "imagerec_worker_in_flight"));
    }

    /// <summary>The pid of the worker process serving <paramref name="port"/> (its --urls), if one does.</summary>
    public static async Task<int?> PidAsync(int port)
    {
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", ["-f", $"imagerec-worker --urls http://127.0.0.1:{port}$"]) { RedirectStandardOutput = true })!;
        var text = await pgrep.StandardOutput.ReadToEndAsync();
        await pgrep.WaitForExitAsync();
        return int.TryParse(text.Split('\n')[0], out var pid) ? pid : null;
    }
}
