using System.Collections.Concurrent;
using System.Diagnostics;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Observability;
using ImageRec.Operator.Scaling;
using ImageRec.Operator.Status;
using k8s;
using k8s.Models;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// Reconciles RecognitionPools the way kubernetes/sample-controller does: informers on the pools and
/// on the worker Deployments they own feed pool keys into a <see cref="WorkQueue{TKey}"/>; one worker
/// takes a key, gets the pool from the cache, compares with what exists, acts (server-side apply of
/// the ServiceAccount, PodDisruptionBudget and Deployment), updates status and emits events. A failed
/// key is retried with per-key exponential back-off; a periodic resync re-queues every pool. With one
/// worker no pool is ever reconciled twice at once, so it never gets two autoscalers. Each pool gets
/// its autoscaling loop (<see cref="PoolAutoscaler"/>) acting on the Deployment.
/// </summary>
public sealed class RecognitionPoolController(
    IKubernetes client,
    IQueueDepthReader depths,
    EventRecorder events,
    OperatorMetrics metrics,
    IHttpClientFactory http,
    TimeProvider time,
    ILoggerFactory loggers)
{
    /// <summary>Every pool is reconciled at least this often, even without changes (drift repair).</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromSeconds(30);

    private sealed record RunningPool(CancellationTokenSource Stop, Task Loop);

    private readonly ILogger _logger = loggers.CreateLogger<RecognitionPoolController>();
    private readonly ConcurrentDictionary<string, RunningPool> _running = new();
    private Informer<RecognitionPool>? _pools;
    private Informer<V1Deployment>? _deployments;

    /// <summary>Pools with an autoscaler running now.</summary>
    public IReadOnlyCollection<string> AutoscaledPools => [.. _running.Keys];

    /// <summary>Runs until cancelled (for a leader: until leadership is lost), then stops every autoscaler.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var queue = new WorkQueue<string>(time);
        var pools = _pools = ClusterInformers.Pools(client, time, loggers.CreateLogger<Informer<RecognitionPool>>());
        var deployments = _deployments = ClusterInformers.WorkerDeployments(client, time, loggers.CreateLogger<Informer<V1Deployment>>());
        pools.OnChange(change => queue.Add(Informer<RecognitionPool>.KeyOf(change.Current.Namespace, change.Current.Name)));
        // A worker Deployment edited or deleted by hand is repaired now, not at the next resync. Status-only changes
        // (readyReplicas as pods come and go) are not news to the reconcile: each would cost three apply PATCHes.
        deployments.OnChange(change =>
        {
            if (OwningPoolKey(change.Current) is not { } key) return;
            if (change.Deleted || change.Previous is null || ReconcileRelevant(change.Previous) != ReconcileRelevant(change.Current))
                queue.Add(key);
        });

        using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var informers = Task.WhenAll(pools.RunAsync(stopInformers.Token), deployments.RunAsync(stopInformers.Token));
        var resync = Task.CompletedTask;
        try
        {
            await Task.WhenAll(pools.WaitForSyncAsync(cancellationToken), deployments.WaitForSyncAsync(cancellationToken));
            _logger.LogInformation("Watching RecognitionPools: {Count} found", pools.Count);
            resync = ResyncAsync(queue, stopInformers.Token);
            while (!cancellationToken.IsCancellationRequested)
            {
                var key = await queue.TakeAsync(cancellationToken);
                try
                {
                    await ReconcileSafelyAsync(queue, key, cancellationToken);
                }
                finally
                {
                    queue.Done(key);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.ShutDown();
            foreach (var key in _running.Keys) await StopAutoscalerAsync(key);
            await stopInformers.CancelAsync();
            await resync.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await informers.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ResyncAsync(WorkQueue<string> queue, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(Resync, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested) break;
            try
            {
                foreach (var pool in _pools!.List()) queue.Add(Informer<RecognitionPool>.KeyOf(pool.Namespace, pool.Name));
            }
            catch (Exception e)
            {
                // One failed pass must not end drift repair for the rest of the term.
                _logger.LogError(e, "Resync pass failed; trying again in {Resync}", Resync);
            }
        }
    }

    /// <summary>Any failure (API errors, connection resets, timeouts, bugs) retries the key after its back-off; none ends the loop.</summary>
    private async Task ReconcileSafelyAsync(WorkQueue<string> queue, string key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ReconcileAsync(key, cancellationToken);
            queue.Forget(key);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.ReconcileErrors.Add(1, new("kind", "pool"), new("reason", KubernetesErrors.ReasonOf(e)));
            _logger.LogWarning("Reconciling {Pool} failed (attempt {Attempt}): {Error}; retrying after a back-off",
                key, queue.Failures(key) + 1, e.Message);
            queue.AddRateLimited(key);
        }
        finally
        {
            metrics.ReconcileSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("kind", "pool"));
        }
    }

    /// <summary>Get, compare, act, update status, emit events — for one pool.</summary>
    private async Task ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var pool = _pools!.Get(key);
        if (pool is null || pool.Metadata?.DeletionTimestamp is not null)
        {
            // Owned objects go with the pool through their ownerReferences (garbage collection).
            await StopAutoscalerAsync(key);
            metrics.Forget(key);
            return;
        }

        var existing = CachedDeployment(pool) ?? await ReadDeploymentAsync(pool, cancellationToken);
        if (existing is not null && !WorkerResourceBuilder.IsControlledBy(existing.Metadata, pool))
        {
            await RefuseForeignDeploymentAsync(pool, cancellationToken);
            await StopAutoscalerAsync(key);
            return;
        }

        if (pool.Spec.Worker.ServiceAccount.Create)
            await client.CoreV1.PatchNamespacedServiceAccountAsync(Apply(WorkerResourceBuilder.ServiceAccount(pool)), WorkerNames.ServiceAccount(pool),
                pool.Namespace, fieldManager: WorkerNames.FieldManager, force: false, cancellationToken: cancellationToken);
        await client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(Apply(WorkerResourceBuilder.PodDisruptionBudget(pool)), WorkerNames.PodDisruptionBudget(pool),
            pool.Namespace, fieldManager: WorkerNames.FieldManager, force: false, cancellationToken: cancellationToken);
        await client.AppsV1.PatchNamespacedDeploymentAsync(Apply(WorkerResourceBuilder.Deployment(pool)), WorkerNames.Deployment(pool),
            pool.Namespace, fieldManager: WorkerNames.FieldManager, force: false, cancellationToken: cancellationToken);
        if (existing is null)
            await events.RecordAsync(EventRecorder.ReferenceTo(pool), EventRecorder.Normal, "DeploymentCreated", "Create",
                $"Created Deployment {WorkerNames.Deployment(pool)} for the pool's workers.", cancellationToken);

        EnsureAutoscaler(key, pool);
    }

    private static V1Patch Apply(object applyConfiguration) => new(applyConfiguration, V1Patch.PatchType.ApplyPatch);

    private V1Deployment? CachedDeployment(RecognitionPool pool) => _deployments!.Get(pool.Namespace, WorkerNames.Deployment(pool));

    // A Deployment of that name without our labels is not in the informer's cache: ask the server (the foreign-Deployment check).
    private async Task<V1Deployment?> ReadDeploymentAsync(RecognitionPool pool, CancellationToken cancellationToken)
    {
        try
        {
            return await client.AppsV1.ReadNamespacedDeploymentAsync(WorkerNames.Deployment(pool), pool.Namespace, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>What a change must touch to be worth a reconcile: the spec (its generation) or the metadata we apply.</summary>
    private static string ReconcileRelevant(V1Deployment deployment) => KubernetesJson.Serialize(new
    {
        deployment.Metadata?.Generation,
        deployment.Metadata?.Labels,
        deployment.Metadata?.Annotations,
        deployment.Metadata?.OwnerReferences,
        deployment.Metadata?.DeletionTimestamp,
    });

    private static string? OwningPoolKey(V1Deployment deployment) =>
        deployment.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == RecognitionPool.KindValue
            && o.ApiVersion == RecognitionPool.ApiVersionValue) is { } owner
            ? Informer<RecognitionPool>.KeyOf(deployment.Metadata.NamespaceProperty, owner.Name)
            : null;

    private void EnsureAutoscaler(string key, RecognitionPool pool)
    {
        if (_running.TryGetValue(key, out var existing))
        {
            if (!existing.Loop.IsCompleted) return;
            // A loop that ended by itself (a bug, not our stop) would leave the pool unscaled for the rest of the term.
            if (!_running.TryRemove(KeyValuePair.Create(key, existing))) return;
            existing.Stop.Dispose();
            _logger.LogError(existing.Loop.Exception?.GetBaseException(), "The autoscaling loop of pool {Pool} ended unexpectedly ({Status}); restarting it",
                key, existing.Loop.Status);
        }
        var last = pool;
        // Each pass reads the latest spec from the cache (a copy), falling back to the last one seen.
        RecognitionPool Current() => last = _pools!.Get(key) ?? last;

        var actuator = new DeploymentActuator(client, Current, CachedDeployment, http.CreateClient(nameof(DeploymentActuator)));
        var reporter = new KubernetesPoolReporter(client, events, Current, time);
        var autoscaler = new PoolAutoscaler(key, depths, actuator, reporter, metrics, time, loggers.CreateLogger<PoolAutoscaler>());
        var stop = new CancellationTokenSource();
        _running[key] = new RunningPool(stop, Task.Run(() => autoscaler.RunAsync(Current, stop.Token)));
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
        await events.RecordAsync(EventRecorder.ReferenceTo(pool), EventRecorder.Warning, "ForeignDeployment", "Reconcile", message, cancellationToken);
        await client.UpdatePoolStatusWithRetryAsync(pool.Namespace, pool.Name, latest =>
        {
            var status = latest.Status ?? new RecognitionPoolStatus();
            latest.Status = status with
            {
                ObservedGeneration = latest.Generation,
                Conditions = PoolConditions.Set(status.Conditions,
                    PoolConditions.Of(PoolConditions.Ready, false, "ForeignDeployment", message, latest.Generation), time.GetUtcNow()),
            };
        }, cancellationToken: cancellationToken);
    }
}
