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
            var list = await client.ListPoolsAsync(cancellationToken).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (resourceVersion, timeoutSeconds, onError, cancellationToken) => AsPools(client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(
            RecognitionPool.Group, RecognitionPool.Version, RecognitionPool.Plural, allowWatchBookmarks: true,
            resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken)),
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
    private static async IAsyncEnumerable<(WatchEventType, RecognitionPool)> AsPools(IAsyncEnumerable<(WatchEventType, object)> events)
    {
        await foreach (var (type, obj) in events.ConfigureAwait(false))
            yield return (type, KubernetesJson.Deserialize<RecognitionPool>(((JsonElement)obj).GetRawText()));
    }
}
