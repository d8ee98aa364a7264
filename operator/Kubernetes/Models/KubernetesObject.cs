namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// What every top-level Kubernetes object has: <c>apiVersion</c>, <c>kind</c> and <c>metadata</c>
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#standard-api-terminology).
/// </summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; set; }

    string? Kind { get; set; }

    ObjectMeta? Metadata { get; set; }
}
