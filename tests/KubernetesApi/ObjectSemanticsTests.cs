using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>uid, resourceVersion, generation, optimistic concurrency, the status subresource, Status bodies, deletion.</summary>
public sealed class ObjectSemanticsTests
{
    private const string Pools = "/apis/imagerec.io/v1alpha1/namespaces/default/recognitionpools";

    private static async Task<(KubernetesApiServer Server, ApiClient Api)> StartWithCrdAsync()
    {
        var server = await KubernetesApiServer.StartAsync();
        var api = new ApiClient(server);
        await api.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", TestManifests.RecognitionPoolCrd);
        return (server, api);
    }

    [Fact]
    public async Task Create_sets_uid_timestamp_resource_version_and_generation_and_drops_status()
    {
        var (server, api) = await StartWithCrdAsync();
        await using var serverLifetime = server;
        using var apiLifetime = api;
        var manifest = YamlToJson.Single(TestManifests.Pool("p1", 2))!.AsObject();
        manifest["status"] = new JsonObject { ["readyReplicas"] = 9 };

        var (code, created) = await api.PostAsync(Pools, manifest);

        Assert.Equal(201, code);
        Assert.True(Guid.TryParse(created["metadata"]!["uid"]!.GetValue<string>(), out _));
        Assert.EndsWith("Z", created["metadata"]!["creationTimestamp"]!.GetValue<string>());
        Assert.Equal(server.ResourceVersion.ToString(), created["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<int>());
        Assert.Null(created["status"]);
        Assert.Equal("default", created["metadata"]!["namespace"]!.GetValue<string>());
    }

    [Fact]
    public async Task Generation_counts_spec_changes_only()
    {
        var (server, api) = await StartWithCrdAsync();
        await using var serverLifetime = server;
        using var apiLifetime = api;
        await api.CreateAsync(Pools, TestManifests.Pool("p1", 2));

        var (_, labelled) = await api.MergePatchAsync($"{Pools}/p1", JsonNode.Parse("""{"metadata":{"labels":{"tier":"gold"}}}""")!);
        Assert.Equal(1, labelled["metadata"]!["generation"]!.GetValue<int>());

        var (_, scaled) = await api.MergePatchAsync($"{Pools}/p1", JsonNode.Parse("""{"spec":{"replicas":4}}""")!);
        Assert.Equal(2, scaled["metadata"]!["generation"]!.GetValue<int>());

        var withStatus = (JsonObject)scaled.DeepClone();
        withStatus["status"] = new JsonObject { ["readyReplicas"] = 4 };
        var (statusCode, afterStatus) = await api.PutAsync($"{Pools}/p1/status", withStatus);
        Assert.Equal(200, statusCode);
        Assert.Equal(2, afterStatus["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(4, afterStatus["status"]!["readyReplicas"]!.GetValue<int>());

        // A no-op write keeps the resourceVersion.
        var (_, again) = await api.MergePatchAsync($"{Pools}/p1", JsonNode.Parse("""{"spec":{"replicas":4}}""")!);
        Assert.Equal(afterStatus["metadata"]!["resourceVersion"]!.GetValue<string>(), again["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_on_the_main_resource_ignores_status_and_put_on_status_ignores_spec()
    {
        var (server, api) = await StartWithCrdAsync();
        await using var serverLifetime = server;
        using var apiLifetime = api;
        var created = await api.CreateAsync(Pools, TestManifests.Pool("p1", 2));

        var both = (JsonObject)created.DeepClone();
        both["spec"]!["replicas"] = 5;
        both["status"] = new JsonObject { ["readyReplicas"] = 5 };
        var (_, main) = await api.PutAsync($"{Pools}/p1", both);
        Assert.Equal(5, main["spec"]!["replicas"]!.GetValue<int>());
        Assert.Null(main["status"]);

        var viaStatus = (JsonObject)main.DeepClone();
        viaStatus["spec"]!["replicas"] = 1;
        viaStatus["status"] = new JsonObject { ["readyReplicas"] = 5 };
        var (_, status) = await api.PutAsync($"{Pools}/p1/status", viaStatus);
        Assert.Equal(5, status["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(5, status["status"]!["readyReplicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Update_with_a_stale_resource_version_is_a_conflict()
    {
        var (server, api) = await StartWithCrdAsync();
        await using var serverLifetime = server;
        using var apiLifetime = api;
        var created = await api.CreateAsync(Pools, TestManifests.Pool("p1", 2));
        await api.MergePatchAsync($"{Pools}/p1", JsonNode.Parse("""{"spec":{"replicas":3}}""")!);

        var stale = (JsonObject)created.DeepClone();
        stale["spec"]!["replicas"] = 9;
        var (code, status) = await api.PutAsync($"{Pools}/p1", stale);

        Assert.Equal(409, code);
        Assert.Equal(JsonNode.Parse("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"Operation cannot be fulfilled on recognitionpools.imagerec.io \"p1\": the object has been modified; please apply your changes to the latest version and try again",
             "reason":"Conflict","details":{"name":"p1","group":"imagerec.io","kind":"recognitionpools"},"code":409}
            """), status, JsonNode.DeepEquals);
    }

    [Fact]
    public async Task Not_found_and_already_exists_have_the_real_status_bodies()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);

        var (missingCode, missing) = await api.GetAsync("/apis/apps/v1/namespaces/default/deployments/nope");
        Assert.Equal(404, missingCode);
        Assert.Equal(JsonNode.Parse("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"nope\" not found",
             "reason":"NotFound","details":{"name":"nope","group":"apps","kind":"deployments"},"code":404}
            """), missing, JsonNode.DeepEquals);

        var sa = JsonNode.Parse("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"worker"}}""")!;
        Assert.Equal(201, (await api.PostAsync("/api/v1/namespaces/default/serviceaccounts", sa)).Status);
        var (dupCode, dup) = await api.PostAsync("/api/v1/namespaces/default/serviceaccounts", sa);
        Assert.Equal(409, dupCode);
        Assert.Equal(JsonNode.Parse("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts \"worker\" already exists",
             "reason":"AlreadyExists","details":{"name":"worker","kind":"serviceaccounts"},"code":409}
            """), dup, JsonNode.DeepEquals);

        var (noNsCode, noNs) = await api.PostAsync("/api/v1/namespaces/missing/serviceaccounts", sa);
        Assert.Equal(404, noNsCode);
        Assert.Equal("namespaces \"missing\" not found", noNs["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_an_owner_deletes_its_dependents_and_finalizers_hold_deletion()
    {
        var (server, api) = await StartWithCrdAsync();
        await using var serverLifetime = server;
        using var apiLifetime = api;
        var pool = await api.CreateAsync(Pools, TestManifests.Pool("p1", 2));
        var owned = JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"p1-worker","ownerReferences":[
              {"apiVersion":"imagerec.io/v1alpha1","kind":"RecognitionPool","name":"p1","uid":"{{{pool["metadata"]!["uid"]}}}","controller":true}]}}
            """)!;
        await api.PostAsync("/api/v1/namespaces/default/serviceaccounts", owned);
        var held = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["imagerec.io/cleanup"]}}""")!;
        await api.PostAsync("/api/v1/namespaces/default/configmaps", held);

        Assert.Equal(200, (await api.DeleteAsync($"{Pools}/p1")).Status);
        Assert.Equal(404, (await api.GetAsync("/api/v1/namespaces/default/serviceaccounts/p1-worker")).Status);

        var (_, marked) = await api.DeleteAsync("/api/v1/namespaces/default/configmaps/held");
        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/default/configmaps/held")).Status);
        await api.MergePatchAsync("/api/v1/namespaces/default/configmaps/held", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);
        Assert.Equal(404, (await api.GetAsync("/api/v1/namespaces/default/configmaps/held")).Status);
    }

    [Fact]
    public async Task Unknown_resources_and_tokens_are_refused_like_the_real_server()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);
        using var stranger = new ApiClient(server, "not-a-token");

        var (code, body) = await api.GetAsync("/apis/imagerec.io/v1alpha1/namespaces/default/recognitionpools");
        Assert.Equal(404, code);
        Assert.Equal("the server could not find the requested resource", body["message"]!.GetValue<string>());

        var (unauthorized, status) = await stranger.GetAsync("/api/v1/namespaces");
        Assert.Equal(401, unauthorized);
        Assert.Equal("Unauthorized", status["reason"]!.GetValue<string>());
    }
}
