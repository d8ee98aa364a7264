using System.Diagnostics;
using System.Diagnostics.Metrics;
using ImageRec.Operator.Entities;
using k8s.Models;
using ImageRec.Operator.Local;
using ImageRec.Operator.Observability;
using ImageRec.Operator.Scaling;
using ImageRec.Operator.Status;
using ImageRec.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.Operator;

/// <summary>
/// Local mode's crash back-off with a real worker process that exits at once (/bin/false, exit code 1)
/// and a clock that moves only when told: the first exit restarts at once, then the waits double from
/// 10 s up to 5 min, a worker that ran 10 min starts over, and status says CrashLoopBackOff.
/// The process exits in real time; only the back-off's waiting is simulated.
/// </summary>
public sealed class LocalWorkerCrashBackOffTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _clock = new(Start);
    private readonly RecordingLogger _log = new();
    private readonly HttpClient _http = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("imagerec-crash-").FullName;
    private readonly RecognitionPool _pool = new()
    {
        Metadata = new V1ObjectMeta { Name = "crashing", Generation = 1 },
        Spec = new RecognitionPoolSpec { Scaling = new ScalingSpec { MinReplicas = 1, MaxReplicas = 2 }, Worker = new WorkerSpec { TerminationGracePeriodSeconds = 5 } },
    };
    private LocalWorkerActuator _workers = null!;

    public Task InitializeAsync()
    {
        var options = new LocalModeOptions
        {
            WorkerExecutable = "/bin/false",
            WorkerPortBase = FreePorts.Range(2),
            LogDirectory = Path.Combine(_directory, "logs"),
            CacheDirectory = Path.Combine(_directory, "models"),
        };
        _workers = new LocalWorkerActuator(_pool, options, _http, _clock, _log);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _workers.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Worker processes started so far (first start and restarts).</summary>
    private int Starts => _log.Entries.Count(e => e.Message.StartsWith("Started worker", StringComparison.Ordinal));

    /// <summary>The delays (seconds) the exit log lines announced, in order.</summary>
    private double[] AnnouncedDelays => [.. _log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => (double)e.Values["DelaySeconds"]!)];

    /// <summary>Observes until the worker has exited again and waits for restart <paramref name="restart"/>: real processes, real time.</summary>
    private async Task<WorkerFleet> WaitForBackOffAsync(int restart)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var fleet = await _workers.ObserveAsync(CancellationToken.None);
            if (fleet.BackingOff is [{ Restarts: var r }] && r == restart) return fleet;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no back-off before restart {restart} within 30 s; log:\n{string.Join('\n', _log.Entries.Select(e => e.Message))}");
            await Task.Delay(20);
        }
    }

    private void AdvanceTo(DateTimeOffset at) => _clock.Advance(at - _clock.GetUtcNow());

    [Fact]
    public async Task A_worker_that_exits_at_once_waits_doubling_delays_up_to_five_minutes()
    {
        await _workers.ScaleAsync(1, CancellationToken.None);

        // First exit: restarted at once (restart 1). Second exit: 10 s before restart 2.
        var fleet = await WaitForBackOffAsync(restart: 2);
        var backOff = Assert.Single(fleet.BackingOff);
        Assert.Equal(new WorkerBackOff("worker-0", 1, 2, TimeSpan.FromSeconds(10), Start + TimeSpan.FromSeconds(10)), backOff);
        Assert.Equal((1, 0), (fleet.Replicas, fleet.ReadyReplicas));
        Assert.Equal(2, Starts);
        var exit = _log.Entries.Last(e => e.Level == LogLevel.Warning);
        Assert.Equal((1, 10d, 0), ((int)exit.Values["ExitCode"]!, (double)exit.Values["DelaySeconds"]!, (int)exit.Values["Slot"]!));
        Assert.Contains("exited with code 1", exit.Message);

        // Not a moment early: just before the back-off ends, observing starts nothing.
        _clock.Advance(TimeSpan.FromSeconds(9.9));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(backOff, Assert.Single((await _workers.ObserveAsync(CancellationToken.None)).BackingOff));
            await Task.Delay(50);
        }
        Assert.Equal(2, Starts);

        // Each restart's exit doubles the wait, up to the 5-minute cap.
        foreach (var (restart, seconds) in new[] { (3, 20), (4, 40), (5, 80), (6, 160), (7, 300), (8, 300) })
        {
            AdvanceTo(backOff.RestartAt);
            backOff = Assert.Single((await WaitForBackOffAsync(restart)).BackingOff);
            Assert.Equal(TimeSpan.FromSeconds(seconds), backOff.Delay);
            Assert.Equal(_clock.GetUtcNow() + backOff.Delay, backOff.RestartAt);
            Assert.Equal(restart, Starts);
        }
        Assert.Equal([0, 10, 20, 40, 80, 160, 300, 300], AnnouncedDelays);
    }

    [Fact]
    public async Task A_worker_that_ran_ten_minutes_is_restarted_at_once_and_its_back_off_starts_over()
    {
        await _workers.ScaleAsync(1, CancellationToken.None);
        var backOff = Assert.Single((await WaitForBackOffAsync(restart: 2)).BackingOff);
        AdvanceTo(backOff.RestartAt);
        await _workers.ObserveAsync(CancellationToken.None); // restart 2 starts now

        // The actuator sees that process's exit only when it next looks: ten minutes later by its clock.
        _clock.Advance(TimeSpan.FromMinutes(10));
        backOff = Assert.Single((await WaitForBackOffAsync(restart: 4)).BackingOff);

        Assert.Equal(TimeSpan.FromSeconds(10), backOff.Delay);
        Assert.Equal([0, 10, 0, 10], AnnouncedDelays);
        Assert.Equal(4, Starts);
    }

    [Fact]
    public async Task Scaling_in_drops_a_worker_waiting_to_restart_first()
    {
        await _workers.ScaleAsync(1, CancellationToken.None);
        var backOff = Assert.Single((await WaitForBackOffAsync(restart: 2)).BackingOff);

        await _workers.ScaleAsync(0, CancellationToken.None);
        AdvanceTo(backOff.RestartAt);
        var fleet = await _workers.ObserveAsync(CancellationToken.None);

        Assert.Equal((0, 0), (fleet.Replicas, fleet.ReadyReplicas));
        Assert.Empty(fleet.BackingOff);
        Assert.Equal(2, Starts);
    }

    [Fact]
    public async Task A_worker_executable_that_cannot_be_started_backs_off_like_a_crash()
    {
        var missing = Path.Combine(_directory, "no-such-worker");
        await using var workers = new LocalWorkerActuator(_pool, new LocalModeOptions
        {
            WorkerExecutable = missing,
            WorkerPortBase = FreePorts.Range(1),
            LogDirectory = Path.Combine(_directory, "logs"),
            CacheDirectory = Path.Combine(_directory, "models"),
        }, _http, _clock, _log);

        await workers.ScaleAsync(1, CancellationToken.None);            // try 1 fails: the next try is at once
        var fleet = await workers.ObserveAsync(CancellationToken.None); // try 2 fails: 10 s
        var backOff = Assert.Single(fleet.BackingOff);

        Assert.Equal((1, 0), (fleet.Replicas, fleet.ReadyReplicas));
        Assert.Equal((2, 128, TimeSpan.FromSeconds(10)), (backOff.Restarts, backOff.ExitCode, backOff.Delay));
        Assert.StartsWith($"worker-0 could not be started ({missing}: ", backOff.Message);
        Assert.Equal(0, Starts);
        var errors = _log.Entries.Where(e => e.Level == LogLevel.Error).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => Assert.Equal(missing, e.Values["Executable"]));

        // Nothing more until the wait is over, however often the autoscaler looks.
        await workers.ScaleAsync(1, CancellationToken.None);
        await workers.ObserveAsync(CancellationToken.None);
        Assert.Equal(2, _log.Entries.Count(e => e.Level == LogLevel.Error));
        AdvanceTo(backOff.RestartAt);
        await workers.ObserveAsync(CancellationToken.None);
        Assert.Equal(3, _log.Entries.Count(e => e.Level == LogLevel.Error));
    }

    [Fact]
    public async Task The_pools_status_says_CrashLoopBackOff_with_the_exit_code_and_the_wait()
    {
        var reporter = new LocalPoolReporter(NullLogger<LocalPoolReporter>.Instance);
        var autoscaler = new PoolAutoscaler("crashing", new EmptyQueue(_clock), _workers, reporter,
            new OperatorMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()),
            _clock, NullLogger.Instance);

        // The autoscaler's passes start the minimum of one worker and then watch it crash.
        var clock = Stopwatch.StartNew();
        PoolCondition Ready() => reporter.Latest!.Conditions.Single(c => c.Type == PoolConditions.Ready);
        do
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "no CrashLoopBackOff within 30 s");
            await autoscaler.TickAsync(_pool, CancellationToken.None);
            await Task.Delay(20);
        }
        while (Ready().Reason != "CrashLoopBackOff");

        Assert.Equal("False", Ready().Status);
        Assert.Equal("0 of 1 workers ready. worker-0 exited with code 1; back-off 10 s before restart 2 at 12:00:10Z.", Ready().Message);
        // The worker waiting to restart still counts, so the autoscaler starts no other in its place.
        Assert.Equal((1, 0, 1), (reporter.Latest!.Replicas, reporter.Latest.ReadyReplicas, reporter.Latest.DesiredReplicas));
        await autoscaler.TickAsync(_pool, CancellationToken.None);
        Assert.Equal(2, Starts);
    }

    private sealed class EmptyQueue(TimeProvider clock) : IQueueDepthReader
    {
        public Task<QueueDepth> ReadAsync(QueueSpec queue, CancellationToken cancellationToken) =>
            Task.FromResult(new QueueDepth(0, 0, 0, clock.GetUtcNow()));
    }
}
