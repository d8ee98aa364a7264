using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// Runs the <see cref="RecognitionPoolController"/>: directly, or only while this replica leads, through
/// the Kubernetes client's <see cref="LeaderElector"/> on a coordination.k8s.io Lease (<see cref="LeaseLock"/>,
/// through <see cref="TransportTolerantLock"/> so a connection reset does not end a term).
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
    private volatile string? _unhealthy;
    private volatile string? _degraded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.LeaderElection)
        {
            _running = true;
            try
            {
                await controller.RunAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _unhealthy = $"controller failed: {e.Message}";
                logger.LogError(e, "The controller failed");
                throw;
            }
            return;
        }

        var identity = o.Identity ?? Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}";
        var leaseNamespace = o.LeaseNamespace ?? "default";
        // A renewal without an answer is a failed attempt, retried until the renew deadline (client-go's behaviour).
        var lease = new TransportTolerantLock(new LeaseLock(client, leaseNamespace, o.LeaseName, identity));
        using var elector = new LeaderElector(new LeaderElectionConfig(lease)
        {
            LeaseDuration = o.LeaseDuration,
            RenewDeadline = o.RenewDeadline,
            RetryPeriod = o.RetryPeriod,
        });
        // One token source per campaign: the library's renew loop is a Task.Run on the token it is given and keeps
        // calling TryAcquireOrRenew after RenewDeadline ends the campaign (it could take the lease again while no
        // controller runs, one orphan per lost term). Cancelling the campaign's token as soon as it returns ends it.
        CancellationTokenSource? campaign = null;
        CancellationTokenSource? leadership = null;
        var leading = Task.CompletedTask;
        var controllerFailed = false;
        elector.OnStartedLeading += () =>
        {
            logger.LogInformation("{Identity} leads (lease {Lease})", identity, lease.Describe());
            var term = campaign!;
            leadership = CancellationTokenSource.CreateLinkedTokenSource(term.Token);
            var token = leadership.Token;
            _degraded = null;
            leading = Task.Run(() => LeadAsync(term, token), CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            logger.LogWarning("{Identity} stopped leading (lease {Lease})", identity, lease.Describe());
            leadership?.Cancel();
        };
        elector.OnError += e => logger.LogDebug("Leader election: {Error}", e.Message);

        // The controller's run ends only by our cancellation: anything else (a fault, a return) while still leader
        // ends the term — cancelling the campaign gives the leadership up — instead of a leader that does nothing.
        async Task LeadAsync(CancellationTokenSource term, CancellationToken token)
        {
            try
            {
                await controller.RunAsync(token);
                if (token.IsCancellationRequested) return;
                throw new InvalidOperationException("The controller stopped while leading.");
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                controllerFailed = true;
                _unhealthy = $"controller failed while leading: {e.Message}";
                logger.LogError(e, "{Identity}: the controller failed while leading; giving the lease up and campaigning again", identity);
                await term.CancelAsync();
            }
        }

        _running = true; // a follower is healthy too; readiness means "able to lead"
        while (!stoppingToken.IsCancellationRequested)
        {
            campaign = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                await elector.RunUntilLeadershipLostAsync(campaign.Token);
            }
            catch (OperationCanceledException) when (campaign.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // Whatever else ends the library's loop (the lock already turns transport errors into failed attempts): campaign again after a pause.
                logger.LogWarning("Leader election failed: {Error}; campaigning again", e.Message);
            }

            await campaign.CancelAsync(); // ends the library's renew task, should RenewDeadline have left it running
            leadership?.Cancel();
            await leading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            leadership?.Dispose();
            leadership = null;
            campaign.Dispose();
            campaign = null;
            if (controllerFailed)
            {
                controllerFailed = false;
                // Let a healthy replica take over at once rather than after the lease expires.
                if (!stoppingToken.IsCancellationRequested) await ReleaseLeaseAsync(o.LeaseName, leaseNamespace, identity, o.RenewDeadline);
                _degraded = _unhealthy;
                _unhealthy = null;
            }
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

    /// <summary>
    /// Unhealthy before the controller starts and while a leader's controller has failed (until the term is given up);
    /// degraded, with the failure, from then until this replica leads again with a running controller.
    /// </summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!_running ? HealthCheckResult.Unhealthy("controller not started")
            : _unhealthy is { } failure ? HealthCheckResult.Unhealthy(failure)
            : _degraded is { } last ? HealthCheckResult.Degraded($"last term ended with a failure: {last}")
            : HealthCheckResult.Healthy());
}
