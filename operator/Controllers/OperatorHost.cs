using ImageRec.Operator.Kubernetes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImageRec.Operator.Controllers;

/// <summary>
/// Runs the <see cref="RecognitionPoolController"/>: directly, or only while this replica leads
/// (a coordination.k8s.io Lease). Losing the lease stops the controller and its autoscalers; the
/// next leader takes over within the lease duration.
/// </summary>
public sealed class OperatorHost(
    RecognitionPoolController controller,
    IKubernetesClient client,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IHealthCheck
{
    private volatile bool _running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.LeaderElection)
        {
            _running = true;
            await controller.RunAsync(stoppingToken);
            return;
        }

        var elector = new LeaderElector(client, new LeaderElectionOptions
        {
            LeaseName = o.LeaseName,
            LeaseNamespace = o.LeaseNamespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? client.DefaultNamespace,
            Identity = o.Identity ?? Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}",
            LeaseDuration = o.LeaseDuration,
            RenewDeadline = o.RenewDeadline,
            RetryPeriod = o.RetryPeriod,
        }, time, loggers.CreateLogger<LeaderElector>());
        Task leading = Task.CompletedTask;
        elector.OnStartedLeading += leadership => leading = Task.Run(async () =>
        {
            _running = true;
            try { await controller.RunAsync(leadership); }
            finally { _running = false; }
        }, CancellationToken.None);
        _running = true; // a follower is healthy too; readiness means "able to lead"
        await elector.RunAsync(stoppingToken);
        await leading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_running ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("controller not started"));
}
