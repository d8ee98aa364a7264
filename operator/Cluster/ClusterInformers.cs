using System.Text.Json;
using ImageRec.Operator.Entities;
using k8s;
using k8s.Models;

namespace ImageRec.Operator.Cluster;

/// <summary>The informers the operator runs, each wired to the Kubernetes client's list and watch calls.</summary>
public static class ClusterInformers
{
    /// <summary>Every RecognitionPool in every namespace.</summary>
    public static Informer<RecognitionPool> Pools(IKubernetes client, TimeProvider time, ILogger logger, InformerOptions? options = null) => new(
        "recognitionpools.imagerec.io",
        async cancellationToken =>
        {
            // Untyped, then one pool at a time: a pool this build cannot read must not fail the whole list.
            var list = (JsonElement)await client.CustomObjects.ListCustomObjectForAllNamespacesAsync(
                RecognitionPool.Group, RecognitionPool.Version, RecognitionPool.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
            var items = list.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array
                ? array.EnumerateArray().Select(item => ReadPool(item, logger)).OfType<RecognitionPool>().ToList()
                : [];
            return (items, MetadataString(list, "resourceVersion"));
        },
        (resourceVersion, timeoutSeconds, onError, cancellationToken) => AsPools(client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(
            RecognitionPool.Group, RecognitionPool.Version, RecognitionPool.Plural, allowWatchBookmarks: true,
            resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken), logger),
        time, logger, options);

    /// <summary>The worker Deployments the operator made (by its labels), in every namespace.</summary>
    public static Informer<V1Deployment> WorkerDeployments(IKubernetes client, TimeProvider time, ILogger logger, InformerOptions? options = null) => new(
        "deployments.apps",
        async cancellationToken =>
        {
            var list = await client.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: WorkerNames.ManagedSelector,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (resourceVersion, timeoutSeconds, onError, cancellationToken) => client.AppsV1.WatchListDeploymentForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: WorkerNames.ManagedSelector, resourceVersion: resourceVersion,
            timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken),
        time, logger, options);

    // The custom-objects watch yields untyped JSON; read each object as a pool.
    private static async IAsyncEnumerable<(WatchEventType, RecognitionPool)> AsPools(IAsyncEnumerable<(WatchEventType, object)> events, ILogger logger)
    {
        await foreach (var (type, obj) in events.ConfigureAwait(false)) yield return AsPoolEvent(type, (JsonElement)obj, logger);
    }

    /// <summary>
    /// One watch event as a pool. A pool this build cannot read is skipped (and logged) rather than failing the watch,
    /// which would resume from the same resourceVersion, meet the same object and stall the informer for good: it
    /// becomes a bookmark at its resourceVersion, or, deleted, a deletion of its name.
    /// </summary>
    internal static (WatchEventType, RecognitionPool) AsPoolEvent(WatchEventType type, JsonElement json, ILogger logger)
    {
        if (type != WatchEventType.Bookmark && ReadPool(json, logger) is { } pool) return (type, pool);
        var metadata = new V1ObjectMeta
        {
            Name = MetadataString(json, "name"),
            NamespaceProperty = MetadataString(json, "namespace"),
            ResourceVersion = MetadataString(json, "resourceVersion"),
        };
        return (type == WatchEventType.Deleted && metadata.Name is not null ? WatchEventType.Deleted : WatchEventType.Bookmark,
            new RecognitionPool { Metadata = metadata });
    }

    private static RecognitionPool? ReadPool(JsonElement json, ILogger logger)
    {
        try
        {
            return KubernetesJson.Deserialize<RecognitionPool>(json.GetRawText());
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            logger.LogError("Skipping RecognitionPool {Namespace}/{Name} at resourceVersion {ResourceVersion}: it cannot be read ({Error})",
                MetadataString(json, "namespace"), MetadataString(json, "name"), MetadataString(json, "resourceVersion"), e.Message);
            return null;
        }
    }

    private static string? MetadataString(JsonElement json, string property) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
