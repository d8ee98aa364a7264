namespace ImageRec.Operator.Cluster;

/// <summary>Cluster mode's options. Section <c>Operator</c>; <c>--leader-elect</c> sets LeaderElection.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";

    /// <summary>Run the controller only while holding the Lease, so several replicas can run for availability.</summary>
    public bool LeaderElection { get; set; }

    public string LeaseName { get; set; } = "imagerec-operator";

    /// <summary>Namespace of the Lease; defaults to the pod's own (POD_NAMESPACE), else the kubeconfig context's.</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This replica's identity in the Lease; defaults to the pod name (POD_NAME).</summary>
    public string? Identity { get; set; }

    /// <summary>How long a lease is valid without renewal (client-go default 15 s).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A leader that cannot renew within this long steps down (default 10 s).</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to acquire and the leader renews (default 2 s).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
