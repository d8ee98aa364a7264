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
/// The library's elector does not hand the lease back on a graceful stop (client-go's ReleaseOnCancel),
/// so <see cref="ReleaseLeaseAsync"/> does, and a successor need not wait for the lease to expire.
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
        var leaseNamespace = o.LeaseNamespace ?? "default";
        var lease = new LeaseLock(client, leaseNamespace, o.LeaseName, identity);
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

        await ReleaseLeaseAsync(o.LeaseName, leaseNamespace, identity, o.RenewDeadline);
    }

    /// <summary>
    /// Gives the lease up if we still hold it, as client-go does: an empty holder and a 1 s duration. An empty
    /// (not absent) holder is what the library's elector takes over at once; an absent one it would try to create.
    /// </summary>
    private async Task ReleaseLeaseAsync(string name, string @namespace, string identity, TimeSpan deadline)
    {
        // Releasing runs after the stop was requested, so it gets a short deadline of its own.
        using var timeout = new CancellationTokenSource(deadline, time);
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: timeout.Token);
            if (lease.Spec?.HolderIdentity != identity) return;
            var now = time.GetUtcNow().UtcDateTime;
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.AcquireTime = now;
            lease.Spec.RenewTime = now;
            // The PUT carries the resourceVersion just read: if someone took the lease meanwhile, it fails with 409 and we let it be.
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, @namespace, cancellationToken: timeout.Token);
            logger.LogInformation("{Identity} released lease {Namespace}/{Lease}", identity, @namespace, name);
        }
        catch (Exception e)
        {
            logger.LogWarning("{Identity} could not release lease {Namespace}/{Lease} ({Error}); it expires by itself", identity, @namespace, name, e.Message);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_running ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("controller not started"));
}
