namespace ImageRec.Operator.Kubernetes;

/// <summary>core/v1 ServiceAccount; only metadata matters (IRSA's eks.amazonaws.com/role-arn annotation).</summary>
public sealed class ServiceAccount : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "ServiceAccount";

    public ObjectMeta? Metadata { get; set; }

    public bool? AutomountServiceAccountToken { get; set; }
}
