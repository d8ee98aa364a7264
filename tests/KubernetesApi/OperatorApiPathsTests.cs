using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>The calls the operator makes beyond pools and deployments: leases, events, pod merge patches, apply of SA and PDB.</summary>
public sealed class OperatorApiPathsTests
{
    [Fact]
    public async Task Lease_get_create_update_with_optimistic_concurrency()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);
        const string leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
        Assert.Equal(404, (await api.GetAsync($"{leases}/imagerec-operator")).Status);

        var lease = await api.CreateAsync(leases, "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: imagerec-operator}\nspec: {holderIdentity: a, leaseDurationSeconds: 15}\n");
        var renewed = (JsonObject)lease.DeepClone();
        renewed["spec"]!["holderIdentity"] = "b";
        var (ok, _) = await api.PutAsync($"{leases}/imagerec-operator", renewed);
        var (stale, _) = await api.PutAsync($"{leases}/imagerec-operator", renewed);

        Assert.Equal(200, ok);
        Assert.Equal(409, stale);
    }

    [Fact]
    public async Task Events_take_generate_name_and_pods_take_merge_patches()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);

        var (code, ev) = await api.PostAsync("/apis/events.k8s.io/v1/namespaces/default/events", JsonNode.Parse("""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"generateName":"pool-a."},"reason":"Scaled","note":"to 3","type":"Normal",
             "action":"Scale","reportingController":"imagerec.io/operator","reportingInstance":"op-1","eventTime":"2026-01-01T00:00:00.000000Z",
             "regarding":{"kind":"RecognitionPool","name":"pool-a","namespace":"default"}}
            """)!);
        Assert.Equal(201, code);
        Assert.Matches(@"^pool-a\.[a-z0-9]{5}$", ev["metadata"]!["name"]!.GetValue<string>());

        await api.CreateAsync("/api/v1/namespaces/default/pods", "apiVersion: v1\nkind: Pod\nmetadata: {name: w1}\nspec: {containers: [{name: c, image: x}]}\n");
        var (patched, pod) = await api.MergePatchAsync("/api/v1/namespaces/default/pods/w1",
            JsonNode.Parse("""{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"-100"}}}""")!);
        Assert.Equal(200, patched);
        Assert.Equal("-100", pod["metadata"]!["annotations"]!["controller.kubernetes.io/pod-deletion-cost"]!.GetValue<string>());
    }

    [Fact]
    public async Task Service_accounts_and_pod_disruption_budgets_are_applied_server_side()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);

        var (sa, _) = await api.ApplyAsync("/api/v1/namespaces/default/serviceaccounts/worker",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: worker}\n", "imagerec-operator");
        var (pdb, body) = await api.ApplyAsync("/apis/policy/v1/namespaces/default/poddisruptionbudgets/workers",
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: workers}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: w}}}\n", "imagerec-operator");

        Assert.Equal(201, sa);
        Assert.Equal(201, pdb);
        Assert.Equal(1, body["spec"]!["maxUnavailable"]!.GetValue<int>());
        var (_, list) = await api.GetAsync("/apis/policy/v1/namespaces/default/poddisruptionbudgets");
        Assert.Equal("PodDisruptionBudgetList", list["kind"]!.GetValue<string>());
        Assert.Single(list["items"]!.AsArray());
    }
}
