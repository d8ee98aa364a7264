using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// Runs the <see cref="RecognitionPoolController"/>: directly, or only while this replica leads, through
/// the Kubernetes client's <see cref="LeaderElector"/> on a coordination.k8s.io Lease (<see cref="LeaseLock"/>).
/// Losing the lease cancels the controller, which stops its autoscalers; the next leader takes over
/// within the lease duration. A new term starts only after the last one's controller has stopped.
/// </summary>
public sealed class OperatorHost(
    RecognitionPoolController controller,
    IKubernetes client,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILogger<OperatorHost> logger) : BackgroundService, IHealthCheck
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

        var identity = o.Identity ?? Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}";
        var lease = new LeaseLock(client, o.LeaseNamespace ?? "default",
            o.LeaseName, identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(lease)
        {
            LeaseDuration = o.LeaseDuration,
            RenewDeadline = o.RenewDeadline,
            RetryPeriod = o.RetryPeriod,
        });
        CancellationTokenSource? leadership = null;
        var leading = Task.CompletedTask;
        elector.OnStartedLeading += () =>
        {
            logger.LogInformation("{Identity} leads (lease {Lease})", identity, lease.Describe());
            leadership = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var token = leadership.Token;
            leading = Task.Run(() => controller.RunAsync(token), CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            logger.LogWarning("{Identity} stopped leading (lease {Lease})", identity, lease.Describe());
            leadership?.Cancel();
        };
        elector.OnError += e => logger.LogDebug("Leader election: {Error}", e.Message);

        _running = true; // a follower is healthy too; readiness means "able to lead"
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await elector.RunUntilLeadershipLostAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // The library lets transport errors (connection refused, resets) end its loop: campaign again after a pause.
                logger.LogWarning("Leader election failed: {Error}; campaigning again", e.Message);
            }

            leadership?.Cancel();
            await leading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            leadership?.Dispose();
            leadership = null;
            await Task.Delay(o.RetryPeriod, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_running ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("controller not started"));
}
