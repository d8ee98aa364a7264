using System.Text.Json.Serialization;

namespace ImageRec.Operator.Kubernetes;

/// <summary>coordination.k8s.io/v1 Lease: the lock for leader election.</summary>
public sealed class Lease : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "coordination.k8s.io/v1";

    public string? Kind { get; set; } = "Lease";

    public ObjectMeta? Metadata { get; set; }

    public LeaseSpec? Spec { get; set; }
}

public sealed class LeaseSpec
{
    public string? HolderIdentity { get; set; }

    public int? LeaseDurationSeconds { get; set; }

    [JsonConverter(typeof(KubernetesMicroTimeJsonConverter))]
    public DateTimeOffset? AcquireTime { get; set; }

    [JsonConverter(typeof(KubernetesMicroTimeJsonConverter))]
    public DateTimeOffset? RenewTime { get; set; }

    public int? LeaseTransitions { get; set; }
}
