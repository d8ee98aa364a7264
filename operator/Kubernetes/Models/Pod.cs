using System.Text.Json.Serialization;

namespace ImageRec.Operator.Kubernetes;

/// <summary>core/v1 Pod, read to pick pods for scale-down (and annotated with a deletion cost).</summary>
public sealed class Pod : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Pod";

    public ObjectMeta? Metadata { get; set; }

    public PodSpec? Spec { get; set; }

    public PodStatus? Status { get; set; }
}

public sealed class PodStatus
{
    /// <summary>Pending, Running, Succeeded, Failed or Unknown.</summary>
    public string? Phase { get; set; }

    public string? PodIP { get; set; }

    public List<PodCondition>? Conditions { get; set; }
}

public sealed class PodCondition
{
    /// <summary>e.g. Ready, PodScheduled, ContainersReady.</summary>
    public string? Type { get; set; }

    public string? Status { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonConverter(typeof(KubernetesTimeJsonConverter))]
    public DateTimeOffset? LastTransitionTime { get; set; }
}
