using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>Bearer tokens of service accounts bound to a ClusterRole from YAML; the real verbs and the real 403 message.</summary>
public sealed class RbacTests
{
    private const string Pools = "/apis/imagerec.io/v1alpha1/namespaces/default/recognitionpools";

    [Fact]
    public async Task A_service_account_may_do_what_its_cluster_role_allows_and_nothing_else()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var admin = new ApiClient(server);
        await admin.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", TestManifests.RecognitionPoolCrd);
        var pool = await admin.CreateAsync(Pools, TestManifests.Pool("p1", 2));
        using var sa = new ApiClient(server, server.AddServiceAccountToken("imagerec", "operator", TestManifests.OperatorClusterRole));

        Assert.Equal(200, (await sa.GetAsync(Pools)).Status);
        Assert.Equal(200, (await sa.GetAsync($"{Pools}/p1")).Status);
        var withStatus = (JsonObject)pool.DeepClone();
        withStatus["status"] = new JsonObject { ["readyReplicas"] = 1 };
        Assert.Equal(200, (await sa.PutAsync($"{Pools}/p1/status", withStatus)).Status);

        var (code, status) = await sa.PutAsync($"{Pools}/p1", pool);
        Assert.Equal(403, code);
        Assert.Equal(JsonNode.Parse("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"recognitionpools.imagerec.io \"p1\" is forbidden: User \"system:serviceaccount:imagerec:operator\" cannot update resource \"recognitionpools\" in API group \"imagerec.io\" in the namespace \"default\"",
             "reason":"Forbidden","details":{"name":"p1","group":"imagerec.io","kind":"recognitionpools"},"code":403}
            """), status, JsonNode.DeepEquals);

        var (listCode, list) = await sa.GetAsync("/api/v1/namespaces");
        Assert.Equal(403, listCode);
        Assert.Equal("namespaces is forbidden: User \"system:serviceaccount:imagerec:operator\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope",
            list["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Subresources_are_authorized_as_resource_slash_subresource()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var admin = new ApiClient(server);
        await admin.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", TestManifests.RecognitionPoolCrd);
        var pool = await admin.CreateAsync(Pools, TestManifests.Pool("p1", 2));
        const string readOnly = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: reader}
            rules:
            - apiGroups: ["imagerec.io"]
              resources: ["recognitionpools"]
              verbs: ["*"]
            """;
        using var sa = new ApiClient(server, server.AddServiceAccountToken("default", "reader", readOnly));

        var (code, status) = await sa.PutAsync($"{Pools}/p1/status", pool);

        Assert.Equal(403, code);
        Assert.Equal("recognitionpools.imagerec.io \"p1\" is forbidden: User \"system:serviceaccount:default:reader\" cannot update resource \"recognitionpools/status\" in API group \"imagerec.io\" in the namespace \"default\"",
            status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_that_creates_needs_create_as_well_as_patch()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        const string patchOnly = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: patcher}
            rules:
            - apiGroups: [""]
              resources: ["serviceaccounts"]
              verbs: ["patch"]
            """;
        using var sa = new ApiClient(server, server.AddServiceAccountToken("imagerec", "operator", patchOnly));
        const string account = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: worker\n";

        var (code, status) = await sa.ApplyAsync("/api/v1/namespaces/default/serviceaccounts/worker", account, "imagerec-operator");

        Assert.Equal(403, code);
        Assert.Equal("serviceaccounts \"worker\" is forbidden: User \"system:serviceaccount:imagerec:operator\" cannot create resource \"serviceaccounts\" in API group \"\" in the namespace \"default\"",
            status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cluster_role_is_picked_by_name_from_a_multi_document_file_and_a_role_binding_limits_it_to_a_namespace()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        var chart = $"""
            apiVersion: v1
            kind: ServiceAccount
            metadata: {"{"}name: operator{"}"}
            ---
            {TestManifests.OperatorClusterRole}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {"{"}name: unrelated{"}"}
            rules: []
            """;
        using var sa = new ApiClient(server, server.AddServiceAccountToken("imagerec", "operator", chart, "imagerec-operator-test", bindingNamespace: "imagerec"));
        using var admin = new ApiClient(server);
        await admin.PostAsync("/api/v1/namespaces", JsonNode.Parse("""{"metadata":{"name":"imagerec"}}""")!);

        Assert.Equal(200, (await sa.GetAsync("/apis/apps/v1/namespaces/imagerec/deployments")).Status);
        Assert.Equal(403, (await sa.GetAsync("/apis/apps/v1/namespaces/default/deployments")).Status);
    }

    [Fact]
    public async Task Discovery_and_openapi_need_only_a_valid_token()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var sa = new ApiClient(server, server.AddServiceAccountToken("x", "y", "kind: ClusterRole\nmetadata: {name: none}\nrules: []\n"));

        Assert.Equal(200, (await sa.GetAsync("/apis")).Status);
        Assert.Equal(200, (await sa.GetAsync("/api/v1")).Status);
        Assert.Equal(200, (await sa.GetAsync("/openapi/v3")).Status);
        Assert.Equal(403, (await sa.GetAsync("/api/v1/namespaces/default/pods")).Status);
    }
}
