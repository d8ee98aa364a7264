using System.Text.Json.Nodes;
using ImageRec.Operator.Cluster;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Operator.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Operator.Controllers;

/// <summary>
/// The controller's sample-controller guarantees against the API double: owned Deployments repaired at once,
/// any failure retried instead of ending the loop, never two autoscalers for one pool, and no controller
/// once the lease is lost.
/// </summary>
public sealed class ControllerResilienceTests : IAsyncLifetime
{
    private static readonly TimeSpan NoResync = TimeSpan.FromMinutes(10);
    private OperatorTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await OperatorTestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static int Count(RecordingLogger log, string message) => log.Entries.Count(e => e.Message == message);

    /// <summary>Remembers each request the operator's client sends, as "METHOD path".</summary>
    private sealed class RequestLog : DelegatingHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();

        public int Count(string request) => _requests.Count(r => r == request);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _requests.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath}");
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task The_autoscaler_reads_the_Deployment_from_the_informer_cache_not_with_a_GET_per_tick()
    {
        var requests = new RequestLog();
        await _cluster.CreatePoolAsync("cached"); // polls every 300 ms
        _cluster.Start(_cluster.Controller(_cluster.OperatorClient(requests), resync: NoResync).RunAsync);
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("cached-worker"), d => d?.Spec?.Replicas == 1, "autoscaled");
        _cluster.Queue.Visible = 30;
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("cached-worker"), d => d?.Spec?.Replicas == 3, "scaled out");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // several more ticks

        // One GET at most: the first reconcile's check for a foreign Deployment, before the Deployment existed.
        Assert.InRange(requests.Count($"GET /apis/apps/v1/namespaces/{OperatorTestCluster.Namespace}/deployments/cached-worker"), 0, 1);
        Assert.True(requests.Count($"PATCH /apis/apps/v1/namespaces/{OperatorTestCluster.Namespace}/deployments/cached-worker") >= 2); // writes still go to the server
    }

    [Fact]
    public async Task A_worker_Deployment_deleted_by_hand_is_recreated_at_once_not_at_the_next_resync()
    {
        await _cluster.CreatePoolAsync("photos");
        _cluster.Start(_cluster.Controller(resync: NoResync).RunAsync);
        var original = await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("photos-worker"), d => d is not null, "worker Deployment");

        await _cluster.Admin.DeleteAsync($"/apis/apps/v1/namespaces/{OperatorTestCluster.Namespace}/deployments/photos-worker");

        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("photos-worker"),
            d => d is not null && d.Metadata.Uid != original!.Metadata.Uid, "the Deployment recreated", seconds: 5);
    }

    [Fact]
    public async Task A_status_only_change_of_the_worker_Deployment_is_not_reconciled()
    {
        var requests = new RequestLog();
        await _cluster.CreatePoolAsync("quiet");
        _cluster.Start(_cluster.Controller(_cluster.OperatorClient(requests), resync: NoResync).RunAsync);
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("quiet-worker"), d => d?.Spec?.Replicas == 1, "autoscaled");
        await Task.Delay(TimeSpan.FromSeconds(1)); // the first status writes settle (nothing changes after, no workers get ready here)
        var poolVersion = (await _cluster.PoolAsync("quiet"))!.Metadata.ResourceVersion;
        var patch = $"PATCH /apis/apps/v1/namespaces/{OperatorTestCluster.Namespace}/deployments/quiet-worker";
        var patches = requests.Count(patch);

        // What the Deployment controller writes as a rollout goes on; no field of the status is the operator's.
        for (var i = 1; i <= 4; i++)
        {
            await _cluster.Admin.MergePatchAsync($"/apis/apps/v1/namespaces/{OperatorTestCluster.Namespace}/deployments/quiet-worker/status",
                new JsonObject { ["status"] = new JsonObject { ["updatedReplicas"] = i, ["observedGeneration"] = i } });
            await Task.Delay(250);
        }

        Assert.Equal(patches, requests.Count(patch));
        Assert.Equal(poolVersion, (await _cluster.PoolAsync("quiet"))!.Metadata.ResourceVersion); // nor did the pool change meanwhile
    }

    [Fact]
    public async Task A_refused_connection_to_the_API_server_does_not_end_the_controller()
    {
        var faults = new ApiConnectionFaults();
        await _cluster.CreatePoolAsync("first");
        var (_, run) = _cluster.Start(_cluster.Controller(_cluster.OperatorClient(faults), resync: NoResync).RunAsync);
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("first-worker"), d => d is not null, "first pool's Deployment");

        // The open watch still brings the new pool; every call the controller makes for it is refused for a while.
        faults.Refuse = true;
        await _cluster.CreatePoolAsync("second");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(run.IsCompleted, run.Exception?.ToString());
        faults.Refuse = false;

        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("second-worker"), d => d is not null, "second pool's Deployment after the outage");
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task A_pool_changed_over_and_over_while_resyncs_run_gets_one_autoscaler()
    {
        var log = new RecordingLogger();
        var controller = _cluster.Controller(loggers: new RecordingLoggerFactory(log), resync: TimeSpan.FromMilliseconds(20));
        await _cluster.CreatePoolAsync("busy");
        _cluster.Start(controller.RunAsync);

        // Each label change is a watch event for the pool, racing the resyncs.
        for (var i = 0; i < 40; i++)
        {
            await _cluster.Admin.MergePatchAsync($"/apis/imagerec.io/v1alpha1/namespaces/{OperatorTestCluster.Namespace}/recognitionpools/busy",
                new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["edit"] = $"e{i}" } } });
            await Task.Delay(10);
        }
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("busy-worker"), d => d?.Spec?.Replicas == 1, "autoscaled");
        await Task.Delay(500);

        Assert.Equal(1, Count(log, "Autoscaling pool default/busy"));
        Assert.Equal(["default/busy"], controller.AutoscaledPools);
    }

    [Fact]
    public async Task Losing_the_lease_stops_the_controller_and_its_autoscalers()
    {
        var log = new RecordingLogger();
        var client = _cluster.OperatorClient();
        var controller = _cluster.Controller(client, new RecordingLoggerFactory(log), NoResync);
        var host = new OperatorHost(controller, client, Options.Create(new OperatorOptions
        {
            LeaderElection = true, Identity = "operator-a", LeaseNamespace = OperatorTestCluster.Namespace,
            LeaseDuration = TimeSpan.FromSeconds(3), RenewDeadline = TimeSpan.FromSeconds(2), RetryPeriod = TimeSpan.FromMilliseconds(300),
        }), TimeProvider.System, NullLogger<OperatorHost>.Instance);
        await _cluster.CreatePoolAsync("ha");
        _cluster.Start(host.StartAsync);
        await OperatorTestCluster.EventuallyAsync(() => Task.FromResult(controller.AutoscaledPools), p => p.Count == 1, "the leader autoscales");

        // Someone else takes the lease (as a replica that saw it expire would).
        await _cluster.Admin.MergePatchAsync($"/apis/coordination.k8s.io/v1/namespaces/{OperatorTestCluster.Namespace}/leases/imagerec-operator",
            new JsonObject { ["spec"] = new JsonObject { ["holderIdentity"] = "operator-b", ["leaseDurationSeconds"] = 3600 } });

        await OperatorTestCluster.EventuallyAsync(() => Task.FromResult(controller.AutoscaledPools), p => p.Count == 0, "autoscalers stopped", seconds: 10);
        Assert.Equal(1, Count(log, "Stopped autoscaling pool default/ha"));
        _cluster.Queue.Visible = 50;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, (await _cluster.DeploymentAsync("ha-worker"))!.Spec!.Replicas); // nobody scales while operator-a follows
        await host.StopAsync(CancellationToken.None);
    }
    /// <summary>Records every line like <see cref="RecordingLoggerFactory"/>, and throws on one: a bug in the controller's run.</summary>
    private sealed class FailingLoggerFactory(RecordingLogger log, string failOn) : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            log.Log(logLevel, eventId, state, exception, formatter);
            if (formatter(state, exception).StartsWith(failOn, StringComparison.Ordinal)) throw new InvalidOperationException("a bug in the controller");
        }
    }

    [Fact]
    public async Task A_controller_that_fails_while_leading_ends_the_term_and_health_says_so()
    {
        var log = new RecordingLogger();
        var loggers = new FailingLoggerFactory(log, "Watching RecognitionPools");
        var client = _cluster.OperatorClient();
        var host = new OperatorHost(_cluster.Controller(client, loggers, NoResync), client, Options.Create(new OperatorOptions
        {
            LeaderElection = true, Identity = "operator-a", LeaseNamespace = OperatorTestCluster.Namespace,
            LeaseDuration = TimeSpan.FromSeconds(3), RenewDeadline = TimeSpan.FromSeconds(2), RetryPeriod = TimeSpan.FromMilliseconds(300),
        }), TimeProvider.System, new Logger<OperatorHost>(loggers));
        _cluster.Start(host.StartAsync);

        // Before, the replica led once and stayed a "healthy" leader that reconciled nothing.
        await OperatorTestCluster.EventuallyAsync(() => host.CheckHealthAsync(new HealthCheckContext()), h => h.Status != HealthStatus.Healthy && h.Description?.Contains("controller failed while leading", StringComparison.Ordinal) == true,
            "health reflects the failed controller", seconds: 10);
        await OperatorTestCluster.EventuallyAsync(() => Task.FromResult(log.Entries.Count(e => e.Message.StartsWith("operator-a leads", StringComparison.Ordinal))),
            n => n >= 2, "the term ended and a new campaign won", seconds: 10);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("controller failed while leading", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Message == $"operator-a released lease {OperatorTestCluster.Namespace}/imagerec-operator");
        await host.StopAsync(CancellationToken.None);
    }
}
