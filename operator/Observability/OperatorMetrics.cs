using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ImageRec.Operator.Scaling;

namespace ImageRec.Operator.Observability;

/// <summary>
/// The operator's instruments: per-pool replicas, desired replicas and queue depth as gauges
/// (sampled from the latest observation at scrape time), reconcile durations and errors.
/// </summary>
public sealed class OperatorMetrics
{
    public const string MeterName = "ImageRec.Operator";

    private sealed record PoolSample(int Replicas, int Desired, QueueDepth? Depth);

    private readonly ConcurrentDictionary<string, PoolSample> _pools = new();

    public Histogram<double> ReconcileSeconds { get; }
    public Counter<long> ReconcileErrors { get; }
    public Counter<long> ScaleEvents { get; }

    public OperatorMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        ReconcileSeconds = meter.CreateHistogram<double>("imagerec_reconcile_seconds", "s", "Time of one reconcile or autoscaling pass, by kind.");
        ReconcileErrors = meter.CreateCounter<long>("imagerec_reconcile_errors", description: "Failed reconcile or autoscaling passes, by kind and reason.");
        ScaleEvents = meter.CreateCounter<long>("imagerec_pool_scale_events", description: "Changes of a pool's worker count, by pool and direction.");
        meter.CreateObservableGauge("imagerec_pool_replicas", () => _pools.Select(p => new Measurement<int>(p.Value.Replicas, Pool(p.Key))),
            description: "Workers of the pool.");
        meter.CreateObservableGauge("imagerec_pool_desired_replicas", () => _pools.Select(p => new Measurement<int>(p.Value.Desired, Pool(p.Key))),
            description: "Workers the autoscaler wants.");
        meter.CreateObservableGauge("imagerec_queue_messages", () => _pools.Where(p => p.Value.Depth is not null).SelectMany(p => new[]
        {
            new Measurement<long>(p.Value.Depth!.Visible, Pool(p.Key), State("visible")),
            new Measurement<long>(p.Value.Depth.InFlight, Pool(p.Key), State("in_flight")),
            new Measurement<long>(p.Value.Depth.Delayed, Pool(p.Key), State("delayed")),
        }), description: "Queue depth at the last poll, by state.");
    }

    public void Observe(string pool, int replicas, int desired, QueueDepth? depth) =>
        _pools.AddOrUpdate(pool, _ => new PoolSample(replicas, desired, depth),
            (_, previous) => new PoolSample(replicas, desired, depth ?? previous.Depth));

    public void Forget(string pool) => _pools.TryRemove(pool, out _);

    private static KeyValuePair<string, object?> Pool(string pool) => new("pool", pool);
    private static KeyValuePair<string, object?> State(string state) => new("state", state);
}
