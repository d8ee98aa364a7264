using ImageRec.Operator.Cluster;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Local;
using ImageRec.Tests.Infrastructure;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Operator;

/// <summary>
/// Local mode asks a worker for readiness like the kubelet's probe does: a worker that answered ready is asked again
/// after the Deployment's readiness period (5 s), not on every autoscaling pass (1 s), while a worker that is not
/// ready is asked on every pass, so a new one counts as ready at the next pass after it is. The worker is a process
/// that only sleeps; its /readyz is a loopback server on the worker's port that counts the requests.
/// </summary>
public sealed class LocalWorkerReadinessTests : IAsyncLifetime
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(WorkerResourceBuilder.ReadinessPeriodSeconds);

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("imagerec-ready-").FullName;
    private readonly RecognitionPool _pool = new()
    {
        Metadata = new V1ObjectMeta { Name = "ready", Generation = 1 },
        Spec = new RecognitionPoolSpec { Scaling = new ScalingSpec { MinReplicas = 1, MaxReplicas = 1 }, Worker = new WorkerSpec { TerminationGracePeriodSeconds = 5 } },
    };
    private LoopbackApp _worker = null!;
    private LocalWorkerActuator _workers = null!;
    private volatile bool _ready;
    private int _probes;

    public async Task InitializeAsync()
    {
        _worker = await LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/readyz", () =>
        {
            Interlocked.Increment(ref _probes);
            return _ready ? Results.Ok() : Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }));
        var executable = Path.Combine(_directory, "worker.sh");
        await File.WriteAllTextAsync(executable, "#!/bin/sh\nexec sleep 300\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _workers = new LocalWorkerActuator(_pool, new LocalModeOptions
        {
            WorkerExecutable = executable,
            WorkerPortBase = _worker.Address.Port,
            LogDirectory = Path.Combine(_directory, "logs"),
            CacheDirectory = Path.Combine(_directory, "models"),
        }, _http, _clock, new RecordingLogger());
    }

    public async Task DisposeAsync()
    {
        await _workers.DisposeAsync();
        await _worker.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<int> ReadyAsync() => (await _workers.ObserveAsync(CancellationToken.None)).ReadyReplicas;

    [Fact]
    public async Task A_ready_worker_is_asked_again_after_the_readiness_period_one_not_ready_on_every_pass()
    {
        await _workers.ScaleAsync(1, CancellationToken.None);

        // Not ready yet: asked on every pass.
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(0, await ReadyAsync());
            Assert.Equal(i, _probes);
        }

        // Ready: counted at the next pass, then taken as ready without asking until the period is over.
        _ready = true;
        Assert.Equal(1, await ReadyAsync());
        Assert.Equal(4, _probes);
        _clock.Advance(Period - TimeSpan.FromMilliseconds(100));
        _ready = false;
        Assert.Equal(1, await ReadyAsync());
        Assert.Equal(4, _probes);

        // The period over: asked, not ready, and asked on every pass again.
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, await ReadyAsync());
        Assert.Equal(5, _probes);
        Assert.Equal(0, await ReadyAsync());
        Assert.Equal(6, _probes);
    }
}
