using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>The real kubectl (v1.32) against the API double: discovery, OpenAPI, server-side apply, tables, watch, delete.</summary>
public sealed class KubectlFidelityTests
{
    private const string Pools = "/apis/imagerec.io/v1alpha1/namespaces/default/recognitionpools";

    [KubectlFact]
    public async Task Version_sees_the_server()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var kubectl = new Kubectl(server);

        var output = JsonNode.Parse(await kubectl.SucceedAsync("version", "-o", "json"))!;

        Assert.Equal("v1.35.0", output["serverVersion"]?["gitVersion"]?.GetValue<string>());
    }

    [KubectlFact]
    public async Task Crd_and_custom_resource_lifecycle_through_server_side_apply()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var kubectl = new Kubectl(server);
        using var api = new ApiClient(server);

        var crdOut = await kubectl.SucceedAsync("apply", "--server-side", "-f", kubectl.WriteFile("crd.yaml", TestManifests.RecognitionPoolCrd));
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/recognitionpools.imagerec.io serverside-applied", crdOut);
        var poolOut = await kubectl.SucceedAsync("apply", "--server-side", "-f", kubectl.WriteFile("pool.yaml", TestManifests.Pool("pool-a", 2)));
        Assert.Contains("recognitionpool.imagerec.io/pool-a serverside-applied", poolOut);

        var created = JsonNode.Parse(await kubectl.SucceedAsync("get", "rpool", "pool-a", "-o", "json"))!;
        Assert.Equal(2, created["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("mobilenetv2", created["spec"]!["model"]!.GetValue<string>());
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(created["metadata"]!["resourceVersion"]!.GetValue<string>()));

        var table = await kubectl.SucceedAsync("get", "rpool");
        Assert.Matches(@"NAME\s+REPLICAS\s+MODEL\s+READY\s+AGE", table);
        Assert.Matches(@"pool-a\s+2\s+mobilenetv2\s+", table);

        await kubectl.SucceedAsync("apply", "--server-side", "-f", kubectl.WriteFile("pool.yaml", TestManifests.Pool("pool-a", 3)));
        var scaled = JsonNode.Parse(await kubectl.SucceedAsync("get", "rpool", "pool-a", "-o", "json"))!;
        Assert.Equal(3, scaled["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, scaled["metadata"]!["generation"]!.GetValue<int>());

        var withStatus = (JsonObject)scaled.DeepClone();
        withStatus["status"] = new JsonObject { ["readyReplicas"] = 3, ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }) };
        var (code, updated) = await api.PutAsync($"{Pools}/pool-a/status", withStatus);
        Assert.Equal(200, code);
        Assert.Equal(2, updated["metadata"]!["generation"]!.GetValue<int>());
        Assert.Matches(@"pool-a\s+3\s+mobilenetv2\s+True\s+", await kubectl.SucceedAsync("get", "rpool"));

        await kubectl.SucceedAsync("label", "rpool", "pool-a", "tier=gold");
        var labelled = JsonNode.Parse(await kubectl.SucceedAsync("get", "rpool", "-l", "tier=gold", "-o", "json"))!;
        Assert.Equal("pool-a", labelled["items"]![0]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(2, labelled["items"]![0]!["metadata"]!["generation"]!.GetValue<int>());

        Assert.Contains("recognitionpool.imagerec.io \"pool-a\" deleted", await kubectl.SucceedAsync("delete", "rpool", "pool-a"));
        var (_, _, stderr) = await kubectl.RunAsync("get", "rpool");
        Assert.Contains("No resources found in default namespace.", stderr);
    }

    [KubectlFact]
    public async Task Get_watch_prints_a_later_change()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var kubectl = new Kubectl(server);
        using var api = new ApiClient(server);
        await api.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", TestManifests.RecognitionPoolCrd);
        await api.CreateAsync(Pools, TestManifests.Pool("pool-w", 1));

        var (process, output) = kubectl.Start("get", "rpool", "pool-w", "-w", "-o", "json");
        try
        {
            await WaitFor(() => output.ToString().Contains("\"pool-w\""), "the initial object");
            var (code, body) = await api.MergePatchAsync($"{Pools}/pool-w", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 7 } });
            Assert.True(code == 200, body.ToJsonString());
            await WaitFor(() => output.ToString().Contains("\"replicas\": 7"), "the change to replicas 7");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        async Task WaitFor(Func<bool> condition, string what)
        {
            // Generous: on a loaded 2-core machine kubectl can take several seconds to print a watch event.
            for (var i = 0; i < 600 && !condition(); i++) await Task.Delay(50);
            Assert.True(condition(), $"kubectl get -w did not print {what}; output so far:\n{output}");
        }
    }

    [KubectlFact]
    public async Task Explain_reads_the_published_crd_schema()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var kubectl = new Kubectl(server);
        await kubectl.SucceedAsync("apply", "--server-side", "-f", kubectl.WriteFile("crd.yaml", TestManifests.RecognitionPoolCrd));

        // The plural, not the short name: kubectl expands short names from the discovery cache it wrote before the
        // CRD existed (a real cluster behaves the same until something refreshes that cache).
        var explained = await kubectl.SucceedAsync("explain", "recognitionpools.spec");

        Assert.Contains("How many workers the pool runs.", explained);
        Assert.Contains("replicas", explained);
    }

    [KubectlFact]
    public async Task Server_dry_run_creates_nothing()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var kubectl = new Kubectl(server);
        var deployment = kubectl.WriteFile("deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx
            """);

        var output = await kubectl.SucceedAsync("apply", "--server-side", "--dry-run=server", "-f", deployment, "-o", "json");

        Assert.Equal("web", JsonNode.Parse(output)!["metadata"]!["name"]!.GetValue<string>());
        var (_, _, stderr) = await kubectl.RunAsync("get", "deployments");
        Assert.Contains("No resources found in default namespace.", stderr);
    }

    [KubectlFact]
    public async Task Forbidden_requests_show_the_real_message()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        var token = server.AddServiceAccountToken("imagerec", "operator", TestManifests.OperatorClusterRole);
        using var kubectl = new Kubectl(server, token);

        var (code, _, stderr) = await kubectl.RunAsync("get", "pods");

        Assert.NotEqual(0, code);
        Assert.Contains("pods is forbidden: User \"system:serviceaccount:imagerec:operator\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"", stderr);
    }
}
