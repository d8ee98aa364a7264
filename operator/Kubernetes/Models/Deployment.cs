namespace ImageRec.Operator.Kubernetes;

/// <summary>apps/v1 Deployment: the worker pool the operator owns and scales.</summary>
public sealed class Deployment : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "apps/v1";

    public string? Kind { get; set; } = "Deployment";

    public ObjectMeta? Metadata { get; set; }

    public DeploymentSpec? Spec { get; set; }

    public DeploymentStatus? Status { get; set; }
}

public sealed class DeploymentSpec
{
    public int? Replicas { get; set; }

    public LabelSelector? Selector { get; set; }

    public DeploymentStrategy? Strategy { get; set; }

    public PodTemplateSpec? Template { get; set; }

    public int? MinReadySeconds { get; set; }

    public int? RevisionHistoryLimit { get; set; }
}

public sealed class LabelSelector
{
    public Dictionary<string, string>? MatchLabels { get; set; }
}

public sealed class DeploymentStrategy
{
    /// <summary>RollingUpdate or Recreate.</summary>
    public string? Type { get; set; }

    public RollingUpdateDeployment? RollingUpdate { get; set; }
}

public sealed class RollingUpdateDeployment
{
    public IntOrString? MaxSurge { get; set; }

    public IntOrString? MaxUnavailable { get; set; }
}

public sealed class DeploymentStatus
{
    public long? ObservedGeneration { get; set; }

    public int? Replicas { get; set; }

    public int? ReadyReplicas { get; set; }

    public int? UpdatedReplicas { get; set; }

    public int? AvailableReplicas { get; set; }

    public int? UnavailableReplicas { get; set; }

    public List<DeploymentCondition>? Conditions { get; set; }
}

public sealed class DeploymentCondition
{
    /// <summary>Available, Progressing or ReplicaFailure.</summary>
    public string? Type { get; set; }

    /// <summary>"True", "False" or "Unknown".</summary>
    public string? Status { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [System.Text.Json.Serialization.JsonConverter(typeof(KubernetesTimeJsonConverter))]
    public DateTimeOffset? LastUpdateTime { get; set; }

    [System.Text.Json.Serialization.JsonConverter(typeof(KubernetesTimeJsonConverter))]
    public DateTimeOffset? LastTransitionTime { get; set; }
}
