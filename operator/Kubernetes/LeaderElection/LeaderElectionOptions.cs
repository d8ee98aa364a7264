namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease, with client-go's defaults
/// (k8s.io/client-go/tools/leaderelection): 15 s lease, 10 s renew deadline, 2 s retry period.
/// </summary>
public sealed class LeaderElectionOptions
{
    public required string LeaseName { get; init; }

    public required string LeaseNamespace { get; init; }

    /// <summary>Unique per candidate: the pod name.</summary>
    public required string Identity { get; init; }

    /// <summary>How long others wait after the last renewal they saw before taking over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The leader gives up when it could not renew for this long (less than the lease duration).</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Hand the lease back on a graceful stop so a successor need not wait for it to expire.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(LeaseName);
        ArgumentException.ThrowIfNullOrEmpty(LeaseNamespace);
        ArgumentException.ThrowIfNullOrEmpty(Identity);
        if (LeaseDuration <= RenewDeadline || RenewDeadline <= RetryPeriod || RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException("Leader election needs LeaseDuration > RenewDeadline > RetryPeriod > 0.");
        }
    }
}
