using System.Text.Json.Serialization;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// meta/v1 ObjectMeta, only the fields the operator reads or writes (managedFields is left out:
/// server-side apply tracks ownership for us).
/// </summary>
public sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public string? Uid { get; set; }

    /// <summary>Opaque version for optimistic concurrency and for resuming watches; never compare numerically.</summary>
    public string? ResourceVersion { get; set; }

    public long? Generation { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }

    public List<OwnerReference>? OwnerReferences { get; set; }

    public List<string>? Finalizers { get; set; }

    [JsonConverter(typeof(KubernetesTimeJsonConverter))]
    public DateTimeOffset? CreationTimestamp { get; set; }

    [JsonConverter(typeof(KubernetesTimeJsonConverter))]
    public DateTimeOffset? DeletionTimestamp { get; set; }
}

/// <summary>meta/v1 OwnerReference: makes the garbage collector delete dependents with their owner.</summary>
public sealed class OwnerReference
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public string? Name { get; set; }

    public string? Uid { get; set; }

    public bool? Controller { get; set; }

    public bool? BlockOwnerDeletion { get; set; }
}

/// <summary>meta/v1 ListMeta: the collection's resourceVersion is where a following watch starts.</summary>
public sealed class ListMeta
{
    public string? ResourceVersion { get; set; }

    /// <summary>Set when the server paginated the list (we do not ask it to).</summary>
    public string? Continue { get; set; }
}

/// <summary>core/v1 ObjectReference as used by events.k8s.io/v1 <c>regarding</c>.</summary>
public sealed class ObjectReference
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public string? Namespace { get; set; }

    public string? Name { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public string? FieldPath { get; set; }

    /// <summary>The reference to <paramref name="obj"/>, e.g. for an Event about it.</summary>
    public static ObjectReference For(IKubernetesObject obj) => new()
    {
        ApiVersion = obj.ApiVersion,
        Kind = obj.Kind,
        Namespace = obj.Metadata?.Namespace,
        Name = obj.Metadata?.Name,
        Uid = obj.Metadata?.Uid,
        ResourceVersion = obj.Metadata?.ResourceVersion,
    };
}
