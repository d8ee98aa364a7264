namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// One line of a watch stream, https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes.
/// ERROR events never surface here: the client turns them into exceptions.
/// </summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Only metadata.resourceVersion is meaningful: "everything up to here has been sent".</summary>
    Bookmark,
}

public sealed class WatchEvent<T>
{
    public WatchEvent(WatchEventType type, T @object, string? resourceVersion)
    {
        Type = type;
        Object = @object;
        ResourceVersion = resourceVersion;
    }

    public WatchEventType Type { get; }

    public T Object { get; }

    /// <summary>The object's metadata.resourceVersion: where to resume the watch after this event.</summary>
    public string? ResourceVersion { get; }
}
