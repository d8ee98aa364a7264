using System.Diagnostics;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;

namespace ImageRec.Operator.Local;

/// <summary>
/// Local mode's actuator: worker processes on this machine instead of a Deployment. Scale-in works
/// like the cluster's pod-deletion-cost: the workers holding the fewest jobs (read from their
/// /metrics) get SIGTERM first, and they finish or release what they hold before exiting.
/// </summary>
public sealed class LocalWorkerActuator(
    RecognitionPool pool,
    LocalModeOptions options,
    HttpClient http,
    ILogger logger) : IWorkerActuator, IAsyncDisposable
{
    private sealed record LocalWorker(int Slot, Process Process, Uri BaseAddress, DateTimeOffset StartedAt);

    private readonly List<LocalWorker> _running = [];
    private readonly List<LocalWorker> _terminating = [];
    private readonly Lock _gate = new();
    private readonly WorkerInFlightProbe _probe = new(http);

    public async Task<WorkerFleet> ObserveAsync(CancellationToken cancellationToken)
    {
        LocalWorker[] running;
        lock (_gate)
        {
            foreach (var exited in _running.Where(w => w.Process.HasExited).ToArray())
            {
                logger.LogWarning("Worker {Slot} (pid {Pid}) exited with code {Code}; see worker-{Slot}.log",
                    exited.Slot, exited.Process.Id, exited.Process.ExitCode, exited.Slot);
                _running.Remove(exited);
            }
            _terminating.RemoveAll(w => w.Process.HasExited);
            running = [.. _running];
        }
        var ready = await Task.WhenAll(running.Select(w => IsReadyAsync(w, cancellationToken)));
        return new WorkerFleet(running.Length, ready.Count(r => r));
    }

    public async Task ScaleAsync(int replicas, CancellationToken cancellationToken)
    {
        int count;
        lock (_gate) count = _running.Count;
        for (; count < replicas; count++) Start();
        if (count <= replicas) return;

        // Idle workers first; among equals the newest (least warmed up) first.
        LocalWorker[] candidates;
        lock (_gate) candidates = [.. _running];
        var inFlight = await Task.WhenAll(candidates.Select(w => _probe.ReadAsync(w.BaseAddress, cancellationToken)));
        var victims = candidates.Zip(inFlight).OrderBy(p => p.Second).ThenByDescending(p => p.First.StartedAt)
            .Take(count - replicas).Select(p => p.First).ToArray();
        lock (_gate)
        {
            foreach (var worker in victims)
            {
                _running.Remove(worker);
                _terminating.Add(worker);
                PosixSignals.Terminate(worker.Process.Id);
                logger.LogInformation("Stopping worker {Slot} (pid {Pid}) gracefully", worker.Slot, worker.Process.Id);
            }
        }
    }

    private void Start()
    {
        int slot;
        lock (_gate)
        {
            var used = _running.Concat(_terminating).Select(w => w.Slot).ToHashSet();
            slot = Enumerable.Range(0, int.MaxValue).First(s => !used.Contains(s));
        }
        var address = new Uri($"http://127.0.0.1:{options.WorkerPortBase + slot}/");
        var start = new ProcessStartInfo(options.WorkerExecutable, ["--urls", address.ToString().TrimEnd('/')])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in WorkerEnvironment.For(pool)) start.Environment[name] = value;
        start.Environment["Model__CacheDirectory"] = Path.Combine(options.CacheDirectory, $"worker-{slot}");

        Directory.CreateDirectory(options.LogDirectory);
        var log = new StreamWriter(Path.Combine(options.LogDirectory, $"worker-{slot}.log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Exited += (_, _) => { lock (log) log.Dispose(); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate) _running.Add(new LocalWorker(slot, process, address, DateTimeOffset.UtcNow));
        logger.LogInformation("Started worker {Slot} (pid {Pid}) on {Address}", slot, process.Id, address);
    }

    private async Task<bool> IsReadyAsync(LocalWorker worker, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            using var response = await http.GetAsync(new Uri(worker.BaseAddress, "readyz"), timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Stops every worker gracefully, then forcibly after the pool's grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        LocalWorker[] all;
        lock (_gate)
        {
            all = [.. _running, .. _terminating];
            _running.Clear();
            _terminating.Clear();
        }
        foreach (var worker in all.Where(w => !w.Process.HasExited)) PosixSignals.Terminate(worker.Process.Id);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(pool.Spec.Worker.TerminationGracePeriodSeconds));
        foreach (var worker in all)
        {
            try
            {
                await worker.Process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("Worker {Slot} did not stop within the grace period; killing it", worker.Slot);
                worker.Process.Kill(entireProcessTree: true);
            }
            worker.Process.Dispose();
        }
    }
}
