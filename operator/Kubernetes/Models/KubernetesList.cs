namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// A list response (<c>{"kind":"DeploymentList","metadata":{"resourceVersion":…},"items":[…]}</c>).
/// Read item by item with the item's JsonTypeInfo so callers need no per-list type metadata.
/// </summary>
public sealed class KubernetesList<T>
{
    public KubernetesList(ListMeta metadata, IReadOnlyList<T> items)
    {
        Metadata = metadata;
        Items = items;
    }

    public ListMeta Metadata { get; }

    public IReadOnlyList<T> Items { get; }
}
