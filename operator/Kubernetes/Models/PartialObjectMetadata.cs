namespace ImageRec.Operator.Kubernetes;

/// <summary>meta/v1 PartialObjectMetadata: any object read for its identity only.</summary>
public sealed class PartialObjectMetadata : IKubernetesObject
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ObjectMeta? Metadata { get; set; }
}
