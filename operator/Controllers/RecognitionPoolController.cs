using System.Collections.Concurrent;
using System.Diagnostics;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Kubernetes;
using ImageRec.Operator.Observability;
using ImageRec.Operator.Scaling;
using ImageRec.Operator.Status;

namespace ImageRec.Operator.Controllers;

/// <summary>
/// Reconciles RecognitionPools, shaped like kubernetes/sample-controller: an informer feeds pool keys
/// into a loop that gets the pool from the cache, compares with what exists, acts (server-side apply
/// of the ServiceAccount, PodDisruptionBudget and Deployment), updates status and emits events.
/// Each pool also gets its autoscaling loop (<see cref="PoolAutoscaler"/>) acting on the Deployment.
/// Cached objects are never mutated: the informer hands out copies.
/// </summary>
public sealed class RecognitionPoolController(
    IKubernetesClient client,
    IQueueDepthReader depths,
    EventRecorder events,
    OperatorMetrics metrics,
    IHttpClientFactory http,
    TimeProvider time,
    ILoggerFactory loggers)
{
    /// <summary>Every pool is reconciled at least this often, even without changes (drift repair).</summary>
    public static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);

    private sealed record RunningPool(CancellationTokenSource Stop, Task Loop, PoolAutoscaler Autoscaler);

    private readonly ILogger _logger = loggers.CreateLogger<RecognitionPoolController>();
    private readonly ConcurrentDictionary<string, RunningPool> _running = new();
    private ResourceWatcher<RecognitionPool>? _pools;

    /// <summary>Runs until cancelled (for a leader: until leadership is lost), then stops every autoscaler.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _pools = new ResourceWatcher<RecognitionPool>(client, RecognitionPoolResource.Descriptor, null, new ResourceWatcherOptions(), time,
            loggers.CreateLogger<ResourceWatcher<RecognitionPool>>());
        var watching = _pools.RunAsync(cancellationToken);
        try
        {
            await _pools.WaitForSyncAsync(cancellationToken);
            _logger.LogInformation("Watching RecognitionPools: {Count} found", _pools.Count);
            var resync = ResyncAsync(cancellationToken);
            await foreach (var key in _pools.Changes.ReadAllAsync(cancellationToken))
                await ReconcileSafelyAsync(key, cancellationToken);
            await resync;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var key in _running.Keys) await StopAutoscalerAsync(key);
            await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(Resync, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested) break;
            foreach (var pool in _pools!.List())
                await ReconcileSafelyAsync(ResourceWatcher<RecognitionPool>.KeyOf(pool.Namespace, pool.Name), cancellationToken);
        }
    }

    private async Task ReconcileSafelyAsync(string key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ReconcileAsync(key, cancellationToken);
        }
        catch (KubernetesApiException e)
        {
            metrics.ReconcileErrors.Add(1, new("kind", "pool"), new("reason", e.Reason ?? e.StatusCode.ToString()));
            _logger.LogWarning("Reconciling {Pool} failed: {Error}; retrying at the next change or resync", key, e.Message);
        }
        finally
        {
            metrics.ReconcileSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("kind", "pool"));
        }
    }

    /// <summary>Get, compare, act, update status, emit events — for one pool.</summary>
    public async Task ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var pool = _pools!.Get(key);
        if (pool is null || pool.Metadata?.DeletionTimestamp is not null)
        {
            // Owned objects go with the pool through their ownerReferences (garbage collection).
            await StopAutoscalerAsync(key);
            metrics.Forget(key);
            return;
        }

        var existing = await client.GetAsync(KubernetesResources.Deployments, pool.Namespace, WorkerNames.Deployment(pool), cancellationToken);
        if (existing is not null && !WorkerResourceBuilder.IsControlledBy(existing.Metadata, pool))
        {
            await RefuseForeignDeploymentAsync(pool, cancellationToken);
            await StopAutoscalerAsync(key);
            return;
        }

        if (pool.Spec.Worker.ServiceAccount.Create)
            await client.ApplyAsync(KubernetesResources.ServiceAccounts, pool.Namespace, WorkerNames.ServiceAccount(pool),
                WorkerResourceBuilder.ServiceAccount(pool), WorkerNames.FieldManager, force: false, cancellationToken);
        await client.ApplyAsync(KubernetesResources.PodDisruptionBudgets, pool.Namespace, WorkerNames.PodDisruptionBudget(pool),
            WorkerResourceBuilder.PodDisruptionBudget(pool), WorkerNames.FieldManager, force: false, cancellationToken);
        await client.ApplyAsync(KubernetesResources.Deployments, pool.Namespace, WorkerNames.Deployment(pool),
            WorkerResourceBuilder.Deployment(pool), WorkerNames.FieldManager, force: false, cancellationToken);
        if (existing is null)
            await events.NormalAsync(ObjectReference.For(pool), "DeploymentCreated", "Create",
                $"Created Deployment {WorkerNames.Deployment(pool)} for the pool's workers.", cancellationToken);

        EnsureAutoscaler(key, pool);
    }

    /// <summary>The latest status the pool's autoscaler reported (for tests and diagnostics).</summary>
    public RecognitionPoolStatus? StatusOf(string key) => _running.TryGetValue(key, out var running) ? running.Autoscaler.Status : null;

    private void EnsureAutoscaler(string key, RecognitionPool pool)
    {
        if (_running.ContainsKey(key)) return;
        var last = pool;
        // Each pass reads the latest spec from the cache (a copy), falling back to the last one seen.
        RecognitionPool Current() => last = _pools!.Get(key) ?? last;

        var actuator = new DeploymentActuator(client, Current, http.CreateClient(nameof(DeploymentActuator)));
        var reporter = new KubernetesPoolReporter(client, events, Current, time);
        var autoscaler = new PoolAutoscaler(key, depths, actuator, reporter, metrics, time, loggers.CreateLogger<PoolAutoscaler>());
        var stop = new CancellationTokenSource();
        _running[key] = new RunningPool(stop, Task.Run(() => autoscaler.RunAsync(Current, stop.Token)), autoscaler);
        _logger.LogInformation("Autoscaling pool {Pool}", key);
    }

    private async Task StopAutoscalerAsync(string key)
    {
        if (!_running.TryRemove(key, out var running)) return;
        await running.Stop.CancelAsync();
        await running.Loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        running.Stop.Dispose();
        _logger.LogInformation("Stopped autoscaling pool {Pool}", key);
    }

    private async Task RefuseForeignDeploymentAsync(RecognitionPool pool, CancellationToken cancellationToken)
    {
        var message = $"Deployment {WorkerNames.Deployment(pool)} exists and is not owned by this pool; refusing to adopt it. Delete or rename it.";
        await events.WarningAsync(ObjectReference.For(pool), "ForeignDeployment", "Reconcile", message, cancellationToken);
        await client.UpdateStatusWithRetryAsync(RecognitionPoolResource.Descriptor, pool.Namespace, pool.Name, latest =>
        {
            var status = latest.Status ?? new RecognitionPoolStatus();
            latest.Status = status with
            {
                ObservedGeneration = latest.Generation,
                Conditions = PoolConditions.Set(status.Conditions,
                    PoolConditions.Of(PoolConditions.Ready, false, "ForeignDeployment", message, latest.Generation), time.GetUtcNow()),
            };
            return latest;
        }, cancellationToken: cancellationToken);
    }
}
