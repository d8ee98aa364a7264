namespace ImageRec.Operator.Cluster;

/// <summary>
/// One change an <see cref="Informer{T}"/> saw, as client-go's handlers get it: the object as the cache had it before
/// (null when it is new to the cache) and now (for a deletion, its last known state), so a handler can tell what
/// changed without keeping copies of its own.
/// </summary>
public sealed record InformerChange<T>(T? Previous, T Current, bool Deleted) where T : class;
