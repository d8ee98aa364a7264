using ImageRec.Operator.Controllers;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Operator.Status;

/// <summary>
/// Every RecognitionPool with its status, from an informer of this replica's own. Followers run it
/// too (not only the leader's controller), so whichever operator pod the Service picks can answer
/// <c>GET /status</c>; the status itself is the one the leader wrote to the API server.
/// </summary>
public sealed class PoolStatusCache(IKubernetesClient client, TimeProvider time, ILogger<ResourceWatcher<RecognitionPool>> logger) : BackgroundService
{
    private readonly ResourceWatcher<RecognitionPool> _pools =
        new(client, RecognitionPoolResource.Descriptor, null, new ResourceWatcherOptions(), time, logger);

    /// <summary>False until the first list arrived: an empty cache then would claim there are no pools.</summary>
    public bool HasSynced => _pools.HasSynced;

    public RecognitionPool? Get(string @namespace, string name) => _pools.Get(@namespace, name);

    public IReadOnlyList<RecognitionPool> List() =>
        _pools.List().OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = _pools.RunAsync(stoppingToken);
        // Nothing reconciles from this cache; read the change notifications only so they do not pile up.
        // The watcher completes them when it stops.
        await foreach (var _ in _pools.Changes.ReadAllAsync(CancellationToken.None))
        {
        }
        await watching;
    }
}
