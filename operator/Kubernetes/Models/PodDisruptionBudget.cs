namespace ImageRec.Operator.Kubernetes;

/// <summary>policy/v1 PodDisruptionBudget: keeps voluntary evictions from emptying the worker pool.</summary>
public sealed class PodDisruptionBudget : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "policy/v1";

    public string? Kind { get; set; } = "PodDisruptionBudget";

    public ObjectMeta? Metadata { get; set; }

    public PodDisruptionBudgetSpec? Spec { get; set; }
}

public sealed class PodDisruptionBudgetSpec
{
    /// <summary>Set this or <see cref="MinAvailable"/>, not both: a count or a percentage.</summary>
    public IntOrString? MaxUnavailable { get; set; }

    public IntOrString? MinAvailable { get; set; }

    public LabelSelector? Selector { get; set; }
}
