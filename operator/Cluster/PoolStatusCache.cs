using ImageRec.Operator.Entities;
using ImageRec.Operator.Status;
using k8s;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// Every RecognitionPool with its status, from an informer of this replica's own. Followers run it
/// too (not only the leader's controller), so whichever operator pod the Service picks can answer
/// <c>GET /status</c>; the status itself is the one the leader wrote to the API server.
/// </summary>
public sealed class PoolStatusCache(IKubernetes client, TimeProvider time, ILogger<Informer<RecognitionPool>> logger) : BackgroundService, IPoolStatusSource
{
    private readonly Informer<RecognitionPool> _pools = ClusterInformers.Pools(client, time, logger);

    public bool HasSynced => _pools.HasSynced;

    public RecognitionPool? Get(string @namespace, string name) => _pools.Get(@namespace, name);

    public IReadOnlyList<RecognitionPool> List() =>
        _pools.List().OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _pools.RunAsync(stoppingToken);
}
