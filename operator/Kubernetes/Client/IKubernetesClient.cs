namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// The Kubernetes REST calls the operator makes, over any resource type
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/). A null namespace on a namespaced
/// resource means all namespaces for list and watch; single-object calls need one.
/// </summary>
public interface IKubernetesClient
{
    /// <summary>The namespace of the configuration (kubeconfig context or the pod's own).</summary>
    string DefaultNamespace { get; }

    /// <summary>GET one object; null when it does not exist (404).</summary>
    Task<T?> GetAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, CancellationToken cancellationToken = default)
        where T : class;

    /// <summary>GET the collection, optionally filtered by a label selector (e.g. <c>app=worker,tier!=web</c>).</summary>
    Task<KubernetesList<T>> ListAsync<T>(KubernetesResource<T> resource, string? @namespace, string? labelSelector = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams changes after <paramref name="resourceVersion"/> until the server ends the watch
    /// (after <paramref name="timeoutSeconds"/>) or the token is cancelled. Throws
    /// <see cref="ResourceVersionExpiredException"/> when that version is too old: relist then.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        KubernetesResource<T> resource,
        string? @namespace,
        string? resourceVersion,
        string? labelSelector = null,
        bool allowBookmarks = true,
        int? timeoutSeconds = null,
        CancellationToken cancellationToken = default);

    /// <summary>POST a new object; <see cref="ConflictException"/> (AlreadyExists) when the name is taken.</summary>
    Task<T> CreateAsync<T>(KubernetesResource<T> resource, string? @namespace, T obj, CancellationToken cancellationToken = default);

    /// <summary>PUT the whole object; its metadata.resourceVersion makes it conditional (409 → <see cref="ConflictException"/>).</summary>
    Task<T> ReplaceAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, T obj, CancellationToken cancellationToken = default);

    /// <summary>PUT the status subresource; conditional on metadata.resourceVersion like <see cref="ReplaceAsync{T}"/>.</summary>
    Task<T> ReplaceStatusAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, T obj, CancellationToken cancellationToken = default);

    /// <summary>
    /// Server-side apply (https://kubernetes.io/docs/reference/using-api/server-side-apply/): the object
    /// holds only the fields this manager owns; <paramref name="force"/> takes fields over from other managers.
    /// </summary>
    Task<T> ApplyAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, T obj, string fieldManager, bool force = true, CancellationToken cancellationToken = default);

    /// <summary>PATCH with a JSON merge patch (RFC 7386) or a JSON patch (RFC 6902), given as JSON text.</summary>
    Task<T> PatchAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, string patch, KubernetesPatchType patchType = KubernetesPatchType.MergePatch, CancellationToken cancellationToken = default);

    /// <summary>DELETE one object; false when it was already gone.</summary>
    Task<bool> DeleteAsync(KubernetesResource resource, string? @namespace, string name, DeletePropagation? propagation = null, CancellationToken cancellationToken = default);
}

public enum KubernetesPatchType
{
    /// <summary>application/merge-patch+json.</summary>
    MergePatch,

    /// <summary>application/json-patch+json.</summary>
    JsonPatch,
}

/// <summary>propagationPolicy of a delete: what happens to the object's dependents.</summary>
public enum DeletePropagation
{
    Orphan,
    Background,
    Foreground,
}
