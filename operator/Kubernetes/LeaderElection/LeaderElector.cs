using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// One leader among the operator's replicas, the way client-go's leaderelection does it with a
/// coordination.k8s.io/v1 Lease: take the lease when it is free or its holder stopped renewing for a
/// lease duration, renew it every retry period, and step down when renewal fails for the renew deadline.
/// Writes carry the lease's resourceVersion, so of two candidates racing only one succeeds (the other
/// gets a 409). Expiry is judged by our own clock from when we last saw the lease change, not by the
/// holder's renewTime, so clock skew between nodes does not matter.
/// </summary>
public sealed class LeaderElector
{
    private readonly IKubernetesClient _client;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private LeaseSpec? _observedSpec;
    private string? _observedResourceVersion;
    private DateTimeOffset _observedAt;
    private volatile bool _isLeader;
    private CancellationTokenSource? _leadership;

    public LeaderElector(IKubernetesClient client, LeaderElectionOptions options, TimeProvider? timeProvider = null, ILogger<LeaderElector>? logger = null)
    {
        options.Validate();
        _client = client;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Raised when this candidate becomes leader; the token is cancelled when it stops leading.</summary>
    public event Action<CancellationToken>? OnStartedLeading;

    /// <summary>Raised when this candidate stops leading (lost the lease, or stopped).</summary>
    public event Action? OnStoppedLeading;

    /// <summary>Raised when the observed holder changes (including to us).</summary>
    public event Action<string?>? OnNewLeader;

    public bool IsLeader => _isLeader;

    /// <summary>The holder last seen on the lease.</summary>
    public string? CurrentLeader => _observedSpec?.HolderIdentity;

    /// <summary>
    /// Campaigns until cancelled: acquire, lead while renewals succeed, and after losing the lease
    /// campaign again. On cancellation a leader releases the lease (when <see cref="LeaderElectionOptions.ReleaseOnCancel"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await AcquireAsync(cancellationToken).ConfigureAwait(false);
                await RenewWhileLeadingAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (_isLeader)
            {
                if (_options.ReleaseOnCancel)
                {
                    await ReleaseAsync().ConfigureAwait(false);
                }

                StopLeading();
            }
        }
    }

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (!await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(_options.RetryPeriod, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        _logger.LogInformation("{Identity} acquired lease {Namespace}/{Lease}", _options.Identity, _options.LeaseNamespace, _options.LeaseName);
        StartLeading();
    }

    private async Task RenewWhileLeadingAsync(CancellationToken cancellationToken)
    {
        var lastRenewal = _timeProvider.GetUtcNow();
        while (true)
        {
            await Task.Delay(_options.RetryPeriod, _timeProvider, cancellationToken).ConfigureAwait(false);
            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                lastRenewal = _timeProvider.GetUtcNow();
                continue;
            }

            // Someone else holds it now, or we could not renew for the renew deadline: step down
            // before the lease lapses, so two leaders never act at once.
            if (!string.Equals(_observedSpec?.HolderIdentity, _options.Identity, StringComparison.Ordinal)
                || _timeProvider.GetUtcNow() - lastRenewal >= _options.RenewDeadline)
            {
                _logger.LogWarning("{Identity} lost lease {Namespace}/{Lease} (holder now {Holder})",
                    _options.Identity, _options.LeaseNamespace, _options.LeaseName, _observedSpec?.HolderIdentity);
                StopLeading();
                return;
            }
        }
    }

    /// <summary>One attempt: create the lease, take it over when free or expired, or renew our own. False when another holds it or a write lost a race.</summary>
    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        try
        {
            var lease = await _client.GetAsync(KubernetesResources.Leases, _options.LeaseNamespace, _options.LeaseName, cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                var created = await _client.CreateAsync(KubernetesResources.Leases, _options.LeaseNamespace, new Lease
                {
                    Metadata = new ObjectMeta { Name = _options.LeaseName, Namespace = _options.LeaseNamespace },
                    Spec = NewSpec(now, acquireTime: now, transitions: 0),
                }, cancellationToken).ConfigureAwait(false);
                Observe(created, now);
                return true;
            }

            Observe(lease, now);
            var spec = lease.Spec ?? new LeaseSpec();
            var heldByUs = string.Equals(spec.HolderIdentity, _options.Identity, StringComparison.Ordinal);
            var observedDuration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? (int)_options.LeaseDuration.TotalSeconds);
            if (!heldByUs && !string.IsNullOrEmpty(spec.HolderIdentity) && _observedAt + observedDuration > now)
            {
                return false;
            }

            lease.Spec = heldByUs
                ? NewSpec(now, spec.AcquireTime ?? now, spec.LeaseTransitions ?? 0)
                : NewSpec(now, acquireTime: now, transitions: (spec.LeaseTransitions ?? 0) + 1);
            // The PUT carries the resourceVersion we read: if anyone wrote since, it fails with 409.
            var updated = await _client.ReplaceAsync(KubernetesResources.Leases, _options.LeaseNamespace, _options.LeaseName, lease, cancellationToken).ConfigureAwait(false);
            Observe(updated, now);
            return true;
        }
        catch (ConflictException)
        {
            _logger.LogDebug("{Identity} lost a race for lease {Lease}", _options.Identity, _options.LeaseName);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(e, "{Identity} could not acquire or renew lease {Namespace}/{Lease}", _options.Identity, _options.LeaseNamespace, _options.LeaseName);
            return false;
        }
    }

    /// <summary>Give the lease up: empty holder and a 1 s duration, as client-go's ReleaseOnCancel does.</summary>
    internal async Task ReleaseAsync()
    {
        // Releasing runs after cancellation, so it gets its own short deadline.
        using var timeout = new CancellationTokenSource(_options.RenewDeadline, _timeProvider);
        try
        {
            var lease = await _client.GetAsync(KubernetesResources.Leases, _options.LeaseNamespace, _options.LeaseName, timeout.Token).ConfigureAwait(false);
            if (lease?.Spec is null || !string.Equals(lease.Spec.HolderIdentity, _options.Identity, StringComparison.Ordinal))
            {
                return;
            }

            var now = _timeProvider.GetUtcNow();
            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = now;
            lease.Spec.AcquireTime = now;
            await _client.ReplaceAsync(KubernetesResources.Leases, _options.LeaseNamespace, _options.LeaseName, lease, timeout.Token).ConfigureAwait(false);
            _logger.LogInformation("{Identity} released lease {Namespace}/{Lease}", _options.Identity, _options.LeaseNamespace, _options.LeaseName);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "{Identity} could not release lease {Namespace}/{Lease}; it expires by itself", _options.Identity, _options.LeaseNamespace, _options.LeaseName);
        }
    }

    private LeaseSpec NewSpec(DateTimeOffset now, DateTimeOffset acquireTime, int transitions) => new()
    {
        HolderIdentity = _options.Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds),
        AcquireTime = acquireTime,
        RenewTime = now,
        LeaseTransitions = transitions,
    };

    private void Observe(Lease lease, DateTimeOffset now)
    {
        // The clock starts when the record changes, measured locally.
        if (lease.Metadata?.ResourceVersion != _observedResourceVersion || _observedSpec is null)
        {
            var previousHolder = _observedSpec?.HolderIdentity;
            _observedSpec = lease.Spec ?? new LeaseSpec();
            _observedResourceVersion = lease.Metadata?.ResourceVersion;
            _observedAt = now;
            if (!string.Equals(previousHolder, _observedSpec.HolderIdentity, StringComparison.Ordinal))
            {
                OnNewLeader?.Invoke(_observedSpec.HolderIdentity);
            }
        }
    }

    private void StartLeading()
    {
        _leadership = new CancellationTokenSource();
        _isLeader = true;
        OnStartedLeading?.Invoke(_leadership.Token);
    }

    private void StopLeading()
    {
        _isLeader = false;
        var leadership = Interlocked.Exchange(ref _leadership, null);
        leadership?.Cancel();
        leadership?.Dispose();
        OnStoppedLeading?.Invoke();
    }
}
