using System.Net;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary>Request shapes (URLs, queries, content types) and error mapping of <see cref="KubernetesClient"/>.</summary>
public sealed class KubernetesClientRequestTests
{
    private const string DeploymentJson = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"workers","namespace":"imagerec","resourceVersion":"7"},"spec":{"replicas":3}}""";

    private static readonly KubernetesResource<Deployment> RecognitionPools =
        new("imagerec.io", "v1alpha1", "recognitionpools", "RecognitionPool", namespaced: true, KubernetesJsonContext.Default.Deployment);

    private static readonly KubernetesResource<PartialObjectMetadata> Namespaces =
        new("", "v1", "namespaces", "Namespace", namespaced: false, KubernetesJsonContext.Default.PartialObjectMetadata);

    [Fact]
    public async Task Urls_for_namespaced_cluster_scoped_and_custom_resources()
    {
        var handler = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.Json(HttpStatusCode.OK, DeploymentJson));
        using var client = handler.CreateClient();

        await client.GetAsync(KubernetesResources.Deployments, "imagerec", "workers");
        await client.GetAsync(KubernetesResources.Pods, "imagerec", "worker-1");
        await client.GetAsync(Namespaces, null, "imagerec");
        await client.GetAsync(RecognitionPools, "imagerec", "pool a");
        await client.GetAsync(KubernetesResources.Leases, "kube-system", "imagerec-operator");

        Assert.Equal(
        [
            "/apis/apps/v1/namespaces/imagerec/deployments/workers",
            "/api/v1/namespaces/imagerec/pods/worker-1",
            "/api/v1/namespaces/imagerec",
            "/apis/imagerec.io/v1alpha1/namespaces/imagerec/recognitionpools/pool%20a",
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/imagerec-operator",
        ], handler.Requests.Select(r => r.PathAndQuery));
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Get, r.Method));
    }

    [Fact]
    public async Task A_server_path_prefix_is_kept_and_named_objects_need_a_namespace()
    {
        var handler = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.Json(HttpStatusCode.OK, "{}"));
        using var client = new KubernetesClient(new HttpClient(handler), new Uri("https://rancher.example/k8s/clusters/c-1/"));

        await client.GetAsync(KubernetesResources.Pods, "ns", "p");

        Assert.Equal("/k8s/clusters/c-1/api/v1/namespaces/ns/pods/p", Assert.Single(handler.Requests).PathAndQuery);
        Assert.Throws<ArgumentException>(() => KubernetesResources.Pods.GetPath(null, "p"));
        Assert.Equal("/api/v1/pods", KubernetesResources.Pods.GetPath(null));
    }

    [Fact]
    public async Task List_sends_the_label_selector_and_returns_items_with_the_list_resourceVersion()
    {
        var handler = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.Json(HttpStatusCode.OK,
            """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1234"},"items":[{"metadata":{"name":"a","namespace":"ns"},"spec":{"nodeName":"n1"},"status":{"phase":"Running","podIP":"10.0.0.5","conditions":[{"type":"Ready","status":"True"}]}},{"metadata":{"name":"b"}}]}"""));
        using var client = handler.CreateClient();

        var list = await client.ListAsync(KubernetesResources.Pods, "ns", "app.kubernetes.io/name=worker,tier!=web");
        var all = await client.ListAsync(KubernetesResources.Pods, null);

        Assert.Equal("/api/v1/namespaces/ns/pods?labelSelector=app.kubernetes.io%2Fname%3Dworker%2Ctier%21%3Dweb", handler.Requests[0].PathAndQuery);
        Assert.Equal("/api/v1/pods", handler.Requests[1].PathAndQuery);
        Assert.Equal("1234", list.Metadata.ResourceVersion);
        Assert.Equal(["a", "b"], list.Items.Select(p => p.Metadata!.Name!));
        Assert.Equal("10.0.0.5", list.Items[0].Status!.PodIP);
        Assert.Equal("n1", list.Items[0].Spec!.NodeName);
        Assert.Equal("True", Assert.Single(list.Items[0].Status!.Conditions!).Status);
        Assert.Equal(2, all.Items.Count);
    }

    [Fact]
    public async Task Apply_is_a_PATCH_with_the_apply_content_type_field_manager_and_force()
    {
        var handler = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.Json(HttpStatusCode.OK, DeploymentJson));
        using var client = handler.CreateClient();
        var desired = new Deployment
        {
            Metadata = new ObjectMeta { Name = "workers", Namespace = "imagerec", Labels = new() { ["app"] = "worker" } },
            Spec = new DeploymentSpec
            {
                Replicas = 3,
                Strategy = new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = "25%" } },
            },
        };

        var applied = await client.ApplyAsync(KubernetesResources.Deployments, "imagerec", "workers", desired, "imagerec-operator", force: true);
        await client.ApplyAsync(KubernetesResources.Deployments, "imagerec", "workers", desired, "imagerec-operator", force: false);

        var request = handler.Requests[0];
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal("/apis/apps/v1/namespaces/imagerec/deployments/workers?fieldManager=imagerec-operator&force=true", request.PathAndQuery);
        Assert.Equal("application/apply-patch+yaml", request.ContentType);
        // Only what we set, nulls omitted, camelCase, IntOrString as number or string.
        Assert.Equal(
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"workers","namespace":"imagerec","labels":{"app":"worker"}},"spec":{"replicas":3,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}}}}""",
            request.Body);
        Assert.Equal("/apis/apps/v1/namespaces/imagerec/deployments/workers?fieldManager=imagerec-operator", handler.Requests[1].PathAndQuery);
        Assert.Equal("7", applied.Metadata!.ResourceVersion);
    }

    [Fact]
    public async Task Merge_patch_create_replace_status_and_delete_requests()
    {
        var handler = new ScriptedKubernetesHandler(request => request.Method == HttpMethod.Delete
            ? ScriptedKubernetesHandler.Json(HttpStatusCode.OK, """{"kind":"Status","status":"Success"}""")
            : ScriptedKubernetesHandler.Json(HttpStatusCode.OK, DeploymentJson));
        using var client = handler.CreateClient();
        var deployment = new Deployment { Metadata = new ObjectMeta { Name = "workers", ResourceVersion = "7" } };

        await client.PatchAsync(KubernetesResources.Pods, "imagerec", "worker-1",
            """{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"-100"}}}""");
        await client.CreateAsync(KubernetesResources.Deployments, "imagerec", deployment);
        await client.ReplaceAsync(KubernetesResources.Deployments, "imagerec", "workers", deployment);
        await client.ReplaceStatusAsync(RecognitionPools, "imagerec", "workers", deployment);
        var deleted = await client.DeleteAsync(KubernetesResources.Pods, "imagerec", "worker-1", DeletePropagation.Foreground);

        Assert.Equal(
        [
            "PATCH /api/v1/namespaces/imagerec/pods/worker-1 application/merge-patch+json",
            "POST /apis/apps/v1/namespaces/imagerec/deployments application/json",
            "PUT /apis/apps/v1/namespaces/imagerec/deployments/workers application/json",
            "PUT /apis/imagerec.io/v1alpha1/namespaces/imagerec/recognitionpools/workers/status application/json",
            "DELETE /api/v1/namespaces/imagerec/pods/worker-1?propagationPolicy=Foreground ",
        ], handler.Requests.Select(r => $"{r.Method} {r.PathAndQuery} {r.ContentType}"));
        Assert.Contains("\"resourceVersion\":\"7\"", handler.Requests[2].Body);
        Assert.True(deleted);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden", typeof(KubernetesApiException))]
    [InlineData(HttpStatusCode.Conflict, "Conflict", typeof(ConflictException))]
    [InlineData(HttpStatusCode.Conflict, "AlreadyExists", typeof(ConflictException))]
    [InlineData(HttpStatusCode.Gone, "Expired", typeof(ResourceVersionExpiredException))]
    [InlineData(HttpStatusCode.UnprocessableEntity, "Invalid", typeof(KubernetesApiException))]
    [InlineData(HttpStatusCode.NotFound, "NotFound", typeof(KubernetesApiException))]
    public async Task Error_Status_bodies_become_typed_exceptions(HttpStatusCode code, string reason, Type expected)
    {
        var handler = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.Status(code, reason, "deployments.apps workers is the message"));
        using var client = handler.CreateClient();

        var error = await Assert.ThrowsAnyAsync<KubernetesApiException>(() =>
            client.CreateAsync(KubernetesResources.Deployments, "imagerec", new Deployment()));

        Assert.IsType(expected, error);
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(reason, error.Reason);
        Assert.Equal("deployments.apps workers is the message", error.Status!.Message);
        Assert.Equal((int)code, error.Status.Code);
        Assert.Contains(reason, error.Message);
        Assert.Equal(code == HttpStatusCode.Forbidden, error.IsForbidden);
        Assert.Equal(code == HttpStatusCode.UnprocessableEntity, error.IsInvalid);
    }

    [Fact]
    public async Task Get_and_delete_of_a_missing_object_are_null_and_false_and_non_Status_errors_keep_the_body()
    {
        var handler = new ScriptedKubernetesHandler(request => request.Uri.AbsolutePath.Contains("proxy")
            ? new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("upstream down") }
            : ScriptedKubernetesHandler.Status(HttpStatusCode.NotFound, "NotFound"));
        using var client = handler.CreateClient();

        Assert.Null(await client.GetAsync(KubernetesResources.Deployments, "imagerec", "missing"));
        Assert.False(await client.DeleteAsync(KubernetesResources.Deployments, "imagerec", "missing"));
        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync(KubernetesResources.Pods, "ns", "proxy"));
        Assert.Null(error.Status);
        Assert.True(error.IsTransient);
        Assert.Contains("upstream down", error.Message);
    }
}
