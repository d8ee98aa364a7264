using System.ComponentModel;
using System.Diagnostics;
using ImageRec.Operator.Cluster;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;
using ImageRec.Operator.Workers;

namespace ImageRec.Operator.Local;

/// <summary>
/// Local mode's actuator: worker processes on this machine instead of a Deployment. Scale-in works
/// like the cluster's pod-deletion-cost: the workers holding the fewest jobs (read from their
/// /metrics) get SIGTERM first, and they finish or release what they hold before exiting. A worker
/// that exits on its own is restarted on its slot with the kubelet's crash back-off (<see cref="CrashBackOff"/>),
/// so one that cannot start (bad configuration, missing model, no such executable) does not spin.
/// Readiness is asked like the kubelet's probe: a worker that passed is asked again after the Deployment's
/// readiness period (<see cref="WorkerResourceBuilder.ReadinessPeriodSeconds"/>), not on every autoscaling pass,
/// while one not ready yet is asked on every pass, so a new worker counts as ready within a poll.
/// </summary>
public sealed class LocalWorkerActuator(
    RecognitionPool pool,
    LocalModeOptions options,
    HttpClient http,
    TimeProvider time,
    ILogger logger) : IWorkerActuator, IAsyncDisposable
{
    private static readonly TimeSpan ReadinessPeriod = TimeSpan.FromSeconds(WorkerResourceBuilder.ReadinessPeriodSeconds);

    private sealed record LocalWorker(int Slot, Process Process, Uri BaseAddress, DateTimeOffset StartedAt)
    {
        /// <summary>When its last passed readiness check is due again; null while it is not ready.</summary>
        public DateTimeOffset? ReadyUntil { get; set; }
    }

    private readonly List<LocalWorker> _running = [];
    private readonly List<LocalWorker> _terminating = [];
    private readonly Dictionary<int, CrashBackOff> _crashes = [];
    private readonly SortedDictionary<int, WorkerBackOff> _waiting = [];
    private readonly Lock _gate = new();
    private readonly WorkerInFlightProbe _probe = new(http);

    public async Task<WorkerFleet> ObserveAsync(CancellationToken cancellationToken)
    {
        int[] due;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            foreach (var exited in _running.Where(w => w.Process.HasExited).ToArray())
            {
                _running.Remove(exited);
                OnExited(exited, now);
            }
            _terminating.RemoveAll(w => w.Process.HasExited);
            due = [.. _waiting.Where(w => w.Value.RestartAt <= now).Select(w => w.Key)];
            foreach (var slot in due) _waiting.Remove(slot);
        }
        foreach (var slot in due) Start(slot);

        LocalWorker[] running;
        WorkerBackOff[] waiting;
        lock (_gate)
        {
            running = [.. _running];
            waiting = [.. _waiting.Values];
        }
        var ready = await Task.WhenAll(running.Select(w => IsReadyAsync(w, cancellationToken)));
        return new WorkerFleet(running.Length + waiting.Length, ready.Count(r => r)) { BackingOff = waiting };
    }

    /// <summary>Schedules the restart of a worker that exited without being asked to. Called under the gate.</summary>
    private void OnExited(LocalWorker worker, DateTimeOffset now)
    {
        var ranFor = now - worker.StartedAt;
        var crashes = CrashesOf(worker.Slot);
        var delay = crashes.OnExit(ranFor);
        var exitCode = worker.Process.ExitCode;
        logger.LogWarning("Worker {Slot} (pid {Pid}) exited with code {ExitCode} after {RanSeconds:0.#} s; restart {Restarts} in {DelaySeconds:0.#} s (crash back-off); see worker-{Slot}.log",
            worker.Slot, worker.Process.Id, exitCode, ranFor.TotalSeconds, crashes.Restarts, delay.TotalSeconds, worker.Slot);
        _waiting[worker.Slot] = new WorkerBackOff(Name(worker.Slot), exitCode, crashes.Restarts, delay, now + delay);
    }

    /// <summary>
    /// Schedules another try for a worker whose process could not be started at all, with the same back-off
    /// (the kubelet treats a container that fails to start, reason StartError, like one that crashed).
    /// </summary>
    private void OnStartFailed(int slot, string error)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var crashes = CrashesOf(slot);
            var delay = crashes.OnExit(TimeSpan.Zero);
            logger.LogError("Worker {Slot} could not be started ({Executable}: {Error}); try {Restarts} in {DelaySeconds:0.#} s (crash back-off)",
                slot, options.WorkerExecutable, error, crashes.Restarts, delay.TotalSeconds);
            _waiting[slot] = new WorkerBackOff(Name(slot), WorkerBackOff.StartErrorExitCode, crashes.Restarts, delay, now + delay)
            {
                StartError = $"{options.WorkerExecutable}: {error}",
            };
        }
    }

    private CrashBackOff CrashesOf(int slot)
    {
        if (!_crashes.TryGetValue(slot, out var crashes)) _crashes[slot] = crashes = new CrashBackOff(options);
        return crashes;
    }

    public async Task ScaleAsync(int replicas, CancellationToken cancellationToken)
    {
        int count;
        lock (_gate)
        {
            count = _running.Count + _waiting.Count;
            // Workers waiting out a crash back-off hold no jobs: they go first.
            foreach (var slot in _waiting.Keys.Reverse().Take(Math.Max(0, count - replicas)).ToArray())
            {
                _waiting.Remove(slot);
                _crashes.Remove(slot);
                count--;
                logger.LogInformation("Dropping worker {Slot}, which was waiting to restart", slot);
            }
        }
        for (; count < replicas; count++) Start(FreeSlot());
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
                _crashes.Remove(worker.Slot);
                _terminating.Add(worker);
                PosixSignals.Terminate(worker.Process.Id);
                logger.LogInformation("Stopping worker {Slot} (pid {Pid}) gracefully", worker.Slot, worker.Process.Id);
            }
        }
    }

    private int FreeSlot()
    {
        lock (_gate)
        {
            var used = _running.Concat(_terminating).Select(w => w.Slot).Concat(_waiting.Keys).ToHashSet();
            return Enumerable.Range(0, int.MaxValue).First(s => !used.Contains(s));
        }
    }

    private static string Name(int slot) => $"worker-{slot}";

    private void Start(int slot)
    {
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
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            log.Dispose();
            OnStartFailed(slot, e.Message);
            return;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate) _running.Add(new LocalWorker(slot, process, address, time.GetUtcNow()));
        logger.LogInformation("Started worker {Slot} (pid {Pid}) on {Address}", slot, process.Id, address);
    }

    private async Task<bool> IsReadyAsync(LocalWorker worker, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (worker.ReadyUntil > now) return true;
        var ready = await ProbeReadyAsync(worker, cancellationToken);
        worker.ReadyUntil = ready ? now + ReadinessPeriod : null;
        return ready;
    }

    private async Task<bool> ProbeReadyAsync(LocalWorker worker, CancellationToken cancellationToken)
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
            _waiting.Clear();
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
            }
    }
}
