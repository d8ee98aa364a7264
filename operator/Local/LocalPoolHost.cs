using ImageRec.Operator.Entities;
using ImageRec.Operator.Observability;
using ImageRec.Operator.Scaling;
using ImageRec.Operator.Status;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImageRec.Operator.Local;

/// <summary>
/// <c>imagerec-operator --local pool.yaml</c>: the same autoscaler as in a cluster, with local worker
/// processes as the actuator. Stopping the operator stops its workers gracefully.
/// </summary>
public sealed class LocalPoolHost(
    IOptions<LocalModeOptions> options,
    IQueueDepthReader depths,
    LocalPoolReporter reporter,
    OperatorMetrics metrics,
    IHttpClientFactory http,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IHealthCheck, IPoolStatusSource
{
    private RecognitionPool? _pool;

    /// <summary>The pool with its latest status, for <c>GET /status</c>.</summary>
    public RecognitionPool? Pool => _pool is null ? null : new RecognitionPool
    {
        Metadata = _pool.Metadata,
        Spec = _pool.Spec,
        Status = reporter.Latest,
    };

    public bool HasSynced => _pool is not null;

    public RecognitionPool? OnlyPool => Pool;

    public IReadOnlyList<RecognitionPool> List() => Pool is { } pool ? [pool] : [];

    public RecognitionPool? Get(string @namespace, string name) =>
        Pool is { } pool && pool.Name == name && (pool.Namespace.Length == 0 ? "default" : pool.Namespace) == @namespace ? pool : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pool = _pool = LocalPoolFile.Load(options.Value.PoolFile);
        var logger = loggers.CreateLogger<LocalPoolHost>();
        logger.LogInformation("Local mode: pool {Pool}, {Min}..{Max} workers, queue {Queue}",
            pool.Name, pool.Spec.Scaling.MinReplicas, pool.Spec.Scaling.MaxReplicas, pool.Spec.Queue.Url);

        options.Value.Validate();
        await using var actuator = new LocalWorkerActuator(pool, options.Value, http.CreateClient(nameof(LocalWorkerActuator)), time, loggers.CreateLogger<LocalWorkerActuator>());
        var autoscaler = new PoolAutoscaler(pool.Name, depths, actuator, reporter, metrics, time, loggers.CreateLogger<PoolAutoscaler>());
        await autoscaler.RunAsync(() => pool, stoppingToken);
        logger.LogInformation("Stopping the pool's workers");
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(reporter.Latest is null ? HealthCheckResult.Unhealthy("no autoscaling pass yet") : HealthCheckResult.Healthy());
}
