namespace ImageRec.Operator.Entities;

/// <summary>Stand-in for the Kubernetes client's ObjectMeta until that client lands; only what local mode reads.</summary>
public sealed class PoolMetadata
{
    public string Name { get; set; } = "";
    public string? Namespace { get; set; }
    public long? Generation { get; set; }
}
