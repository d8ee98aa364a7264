using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// The part of kube-controller-manager the API double lacks, for Deployments: every Deployment's status
/// soon says that all the workers it asks for exist and are ready (as if every pod started at once), so an
/// operator that reads readiness back into its pools' status can converge. Writes straight into the
/// double's store (subresource status), not through any proxy a test puts in front of the operator.
/// </summary>
public sealed class DeploymentReadiness(KubernetesApiServer server, string ns)
{
    private static readonly ResourceType Deployments = BuiltInResourceTypes.All.Single(t => t.Group == "apps" && t.Plural == "deployments");
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    /// <summary>Keeps the statuses up to date until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var filter = new ObjectFilter(Deployments.Group, Deployments.Plural, ns, LabelSelector.Everything, FieldSelector.Parse(null));
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var deployment in server.Store.List(Deployments, filter).Items)
            {
                var name = deployment["metadata"]!["name"]!.GetValue<string>();
                var wanted = JsonNumber.Of(deployment["spec"]?["replicas"]) ?? 1;
                var generation = JsonNumber.Of(deployment["metadata"]!["generation"]) ?? 1;
                if ((JsonNumber.Of(deployment["status"]?["readyReplicas"]) ?? 0) == wanted
                    && JsonNumber.Of(deployment["status"]?["observedGeneration"]) == generation) continue;
                try
                {
                    server.Store.Patch(Deployments, ns, name, current =>
                    {
                        current["status"] = new JsonObject
                        {
                            ["observedGeneration"] = generation,
                            ["replicas"] = wanted,
                            ["updatedReplicas"] = wanted,
                            ["readyReplicas"] = wanted,
                            ["availableReplicas"] = wanted,
                        };
                        return current;
                    }, new WriteContext("kube-controller-manager", "status"));
                }
                catch (KubernetesApiException e) when (e.Code == 404)
                {
                    // Deleted meanwhile: nothing to report.
                }
            }
            await Task.Delay(Period, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
