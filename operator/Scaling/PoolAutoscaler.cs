using System.Diagnostics;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Observability;
using ImageRec.Operator.Status;

namespace ImageRec.Operator.Scaling;

/// <summary>
/// One pool's autoscaling loop, the same in a cluster and in local mode: every pollInterval read the
/// queue depth, observe the workers, decide (<see cref="ScalingPolicy"/>), act through the
/// <see cref="IWorkerActuator"/>, then report status and events. Queue errors keep the workers
/// as they are and say why in the QueueReachable condition.
/// </summary>
public sealed class PoolAutoscaler(
    string poolKey,
    IQueueDepthReader depths,
    IWorkerActuator actuator,
    IPoolReporter reporter,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger logger)
{
    private readonly ScalingPolicy _policy = new();
    private RecognitionPoolStatus _status = new();
    private string? _queueError;

    public RecognitionPoolStatus Status => _status;

    /// <summary>Polls until cancelled; <paramref name="currentPool"/> gives the latest spec each time.</summary>
    public async Task RunAsync(Func<RecognitionPool> currentPool, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var pool = currentPool();
            try
            {
                await TickAsync(pool, cancellationToken);
            }
            // Only our own stop ends the loop: an OperationCanceledException that is not ours (an HTTP client's
            // timeout surfaces as TaskCanceledException) is a failed pass like any other.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                metrics.ReconcileErrors.Add(1, new("kind", "autoscale"), new("reason", e.GetType().Name));
                logger.LogError(e, "Autoscaling pass for pool {Pool} failed", poolKey);
            }
            await Task.Delay(GoDuration.Parse(pool.Spec.Scaling.PollInterval), time, cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task<ScalingDecision> TickAsync(RecognitionPool pool, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var scaling = pool.Spec.Scaling;
        var generation = pool.Generation;

        var (depth, queueError) = await ReadDepthAsync(pool, cancellationToken);
        var fleet = await actuator.ObserveAsync(cancellationToken);
        var decision = _policy.Decide(depth, fleet.Replicas, scaling, GoDuration.Parse(scaling.ScaleDownStabilization), now);
        if (depth is null)
        {
            // Unknown depth never scales in, but the bounds still hold (a new pool starts at minReplicas).
            decision = decision with { Desired = Math.Clamp(fleet.Replicas, scaling.MinReplicas, scaling.MaxReplicas) };
        }

        var lastScaleTime = _status.LastScaleTime;
        var scaled = decision.Desired != fleet.Replicas;
        if (scaled)
        {
            await actuator.ScaleAsync(decision.Desired, cancellationToken);
            lastScaleTime = now;
            metrics.ScaleEvents.Add(1, new("pool", poolKey), new("direction", decision.Desired > fleet.Replicas ? "out" : "in"));
            logger.LogInformation("Pool {Pool}: {From} → {To} workers ({Reason}: {Message})", poolKey, fleet.Replicas, decision.Desired, decision.Reason, decision.Message);
            await reporter.ReportEventAsync("Normal", decision.Reason, $"Scaled from {fleet.Replicas} to {decision.Desired} workers. {decision.Message}", cancellationToken);
            // Report what the change produced, not what was there before it (saves users a poll of staleness).
            fleet = await actuator.ObserveAsync(cancellationToken);
        }
        if (queueError != _queueError)
        {
            if (queueError is not null)
                await reporter.ReportEventAsync("Warning", "QueueUnreachable", $"Cannot read queue {pool.Spec.Queue.Url}: {queueError}. Keeping {fleet.Replicas} workers.", cancellationToken);
            else if (_queueError is not null)
                await reporter.ReportEventAsync("Normal", "QueueReachable", $"Queue {pool.Spec.Queue.Url} is readable again.", cancellationToken);
            _queueError = queueError;
        }

        var conditions = _status.Conditions;
        conditions = PoolConditions.Set(conditions, queueError is null
            ? PoolConditions.Of(PoolConditions.QueueReachable, true, "QueueRead", $"{depth!.Visible} waiting, {depth.InFlight} in flight, {depth.Delayed} delayed.", generation)
            : PoolConditions.Of(PoolConditions.QueueReachable, false, "QueueUnreachable", queueError, generation), now);
        var scalingNow = scaled || fleet.ReadyReplicas < decision.Desired || decision.Reason == "StabilizingScaleIn";
        conditions = PoolConditions.Set(conditions, PoolConditions.Of(PoolConditions.Scaling, scalingNow, decision.Reason, decision.Message, generation), now);
        var ready = fleet.ReadyReplicas >= decision.Desired && fleet.Replicas == decision.Desired;
        var readyMessage = $"{fleet.ReadyReplicas} of {decision.Desired} workers ready.";
        conditions = PoolConditions.Set(conditions, ready
            ? PoolConditions.Of(PoolConditions.Ready, true, "WorkersReady", readyMessage, generation)
            : fleet.BackingOff.Count > 0
                ? PoolConditions.Of(PoolConditions.Ready, false, "CrashLoopBackOff", string.Join(" ", [readyMessage, .. fleet.BackingOff.Select(b => b.Message)]), generation)
                : PoolConditions.Of(PoolConditions.Ready, false, "WorkersNotReady", readyMessage, generation), now);

        _status = new RecognitionPoolStatus
        {
            Replicas = fleet.Replicas,
            ReadyReplicas = fleet.ReadyReplicas,
            DesiredReplicas = decision.Desired,
            Queue = depth is null ? _status.Queue : new QueueStatus { Visible = depth.Visible, InFlight = depth.InFlight, Delayed = depth.Delayed, ObservedAt = depth.ObservedAt },
            LastScaleTime = lastScaleTime,
            ObservedGeneration = generation,
            Conditions = conditions,
        };
        await reporter.ReportStatusAsync(_status, cancellationToken);
        metrics.Observe(poolKey, fleet.Replicas, decision.Desired, depth);
        metrics.ReconcileSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("kind", "autoscale"));
        return decision;
    }

    private async Task<(QueueDepth? Depth, string? Error)> ReadDepthAsync(RecognitionPool pool, CancellationToken cancellationToken)
    {
        try
        {
            return (await depths.ReadAsync(pool.Spec.Queue, cancellationToken), null);
        }
        catch (QueueDepthUnavailableException e)
        {
            metrics.ReconcileErrors.Add(1, new("kind", "queue"), new("reason", e.Reason));
            return (null, $"{e.Reason}: {e.Message}");
        }
    }
}
