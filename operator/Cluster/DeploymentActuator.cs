using System.Globalization;
using System.Text.Json.Nodes;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;
using ImageRec.Operator.Workers;
using k8s;
using k8s.Models;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// The cluster's actuator: the pool's worker Deployment. It reads the Deployment from the controller's
/// informer cache (no GET per tick) and writes the worker count with a field manager of its own that
/// owns only <c>spec.replicas</c>. Before scaling in, each worker pod gets a
/// <c>controller.kubernetes.io/pod-deletion-cost</c> equal to the jobs it holds, so the ReplicaSet
/// removes idle workers first.
/// </summary>
public sealed class DeploymentActuator(
    IKubernetes client,
    Func<RecognitionPool> pool,
    Func<RecognitionPool, V1Deployment?> cachedDeployment,
    HttpClient http) : IWorkerActuator
{
    private const int WorkerPort = 8080;
    private readonly WorkerInFlightProbe _probe = new(http);

    // Our last write and the cached version it followed: until the cache moves past that version, the write is newer.
    private (string? CachedVersionBefore, V1Deployment Written)? _lastWrite;

    public Task<WorkerFleet> ObserveAsync(CancellationToken cancellationToken)
    {
        var deployment = Current(pool());
        // The requested count is what scaling compares against; the status lags behind it.
        return Task.FromResult(new WorkerFleet(deployment?.Spec?.Replicas ?? 0, deployment?.Status?.ReadyReplicas ?? 0));
    }

    public async Task ScaleAsync(int replicas, CancellationToken cancellationToken)
    {
        var current = pool();
        var cachedVersionBefore = cachedDeployment(current)?.Metadata?.ResourceVersion;
        if (replicas < (Current(current)?.Spec?.Replicas ?? 0)) await SetDeletionCostsAsync(current, cancellationToken);
        var written = await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(WorkerResourceBuilder.Replicas(current, replicas), V1Patch.PatchType.ApplyPatch),
            WorkerNames.Deployment(current), current.Namespace, fieldManager: WorkerNames.ScaleFieldManager, force: true,
            cancellationToken: cancellationToken);
        _lastWrite = (cachedVersionBefore, written);
    }

    private V1Deployment? Current(RecognitionPool current)
    {
        var cached = cachedDeployment(current);
        if (_lastWrite is { } write && cached?.Metadata?.ResourceVersion == write.CachedVersionBefore) return write.Written;
        _lastWrite = null;
        return cached;
    }

    private async Task SetDeletionCostsAsync(RecognitionPool current, CancellationToken cancellationToken)
    {
        var pods = await client.CoreV1.ListNamespacedPodAsync(current.Namespace, labelSelector: WorkerNames.SelectorText(current),
            cancellationToken: cancellationToken);
        foreach (var pod in pods.Items.Where(p => p.Metadata?.DeletionTimestamp is null && p.Metadata?.Name is not null))
        {
            var inFlight = pod.Status?.PodIP is { Length: > 0 } ip ? await _probe.ReadAsync(new Uri($"http://{ip}:{WorkerPort}/"), cancellationToken) : 0;
            var cost = inFlight.ToString(CultureInfo.InvariantCulture);
            if (pod.Metadata.Annotations?.TryGetValue(WorkerNames.PodDeletionCost, out var existing) == true && existing == cost) continue;
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [WorkerNames.PodDeletionCost] = cost } } }.ToJsonString();
            try
            {
                await client.CoreV1.PatchNamespacedPodAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), pod.Metadata.Name, current.Namespace,
                    cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e.IsNotFound())
            {
                // Gone already: nothing to protect.
            }
        }
    }
}
