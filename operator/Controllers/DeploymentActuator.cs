using System.Globalization;
using System.Text.Json.Nodes;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Kubernetes;
using ImageRec.Operator.Scaling;

namespace ImageRec.Operator.Controllers;

/// <summary>
/// The cluster's actuator: the pool's worker Deployment. The worker count is applied with a field
/// manager of its own that owns only <c>spec.replicas</c>. Before scaling in, each worker pod gets a
/// <c>controller.kubernetes.io/pod-deletion-cost</c> equal to the jobs it holds, so the ReplicaSet
/// removes idle workers first.
/// </summary>
public sealed class DeploymentActuator(
    IKubernetesClient client,
    Func<RecognitionPool> pool,
    HttpClient http) : IWorkerActuator
{
    private const int WorkerPort = 8080;
    private readonly WorkerInFlightProbe _probe = new(http);

    public async Task<WorkerFleet> ObserveAsync(CancellationToken cancellationToken)
    {
        var current = pool();
        var deployment = await client.GetAsync(KubernetesResources.Deployments, current.Namespace, WorkerNames.Deployment(current), cancellationToken);
        // The requested count is what scaling compares against; the status lags behind it.
        return new WorkerFleet(deployment?.Spec?.Replicas ?? 0, deployment?.Status?.ReadyReplicas ?? 0);
    }

    public async Task ScaleAsync(int replicas, CancellationToken cancellationToken)
    {
        var current = pool();
        var fleet = await ObserveAsync(cancellationToken);
        if (replicas < fleet.Replicas) await SetDeletionCostsAsync(current, cancellationToken);
        await client.ApplyAsync(KubernetesResources.Deployments, current.Namespace, WorkerNames.Deployment(current),
            WorkerResourceBuilder.Replicas(current, replicas), WorkerNames.ScaleFieldManager, force: true, cancellationToken);
    }

    private async Task SetDeletionCostsAsync(RecognitionPool current, CancellationToken cancellationToken)
    {
        var pods = await client.ListAsync(KubernetesResources.Pods, current.Namespace, WorkerNames.SelectorText(current), cancellationToken);
        foreach (var pod in pods.Items.Where(p => p.Metadata?.DeletionTimestamp is null && p.Metadata?.Name is not null))
        {
            var inFlight = pod.Status?.PodIP is { Length: > 0 } ip ? await _probe.ReadAsync(new Uri($"http://{ip}:{WorkerPort}/"), cancellationToken) : 0;
            var cost = inFlight.ToString(CultureInfo.InvariantCulture);
            if (pod.Metadata!.Annotations?.GetValueOrDefault(WorkerNames.PodDeletionCost) == cost) continue;
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [WorkerNames.PodDeletionCost] = cost } } }.ToJsonString();
            try
            {
                await client.PatchAsync(KubernetesResources.Pods, current.Namespace, pod.Metadata.Name!, patch, KubernetesPatchType.MergePatch, cancellationToken);
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                // Gone already: nothing to protect.
            }
        }
    }
}
