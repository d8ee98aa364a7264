using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>Server-side apply: create, managedFields, conflicts between managers, force, shared ownership, removal of dropped fields.</summary>
public sealed class ServerSideApplyTests
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private static string Deployment(int replicas, string extraLabels = "") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: workers
          labels:
            app: imagerec{{extraLabels}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: imagerec}
          template:
            metadata:
              labels: {app: imagerec}
            spec:
              containers:
              - name: worker
                image: imagerec-worker:1
        """;

    [Fact]
    public async Task Apply_creates_then_updates_and_records_the_manager()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);

        var (created, first) = await api.ApplyAsync($"{Deployments}/workers", Deployment(2), "imagerec-operator");
        var (updated, second) = await api.ApplyAsync($"{Deployments}/workers", Deployment(3), "imagerec-operator");

        Assert.Equal(201, created);
        Assert.Equal(200, updated);
        Assert.Equal(1, first["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(2, second["metadata"]!["generation"]!.GetValue<int>());
        var entry = Assert.Single(second["metadata"]!["managedFields"]!.AsArray())!;
        Assert.Equal("imagerec-operator", entry["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        Assert.Equal("FieldsV1", entry["fieldsType"]!.GetValue<string>());
        Assert.NotNull(entry["fieldsV1"]!["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public async Task A_different_value_for_a_field_another_manager_owns_conflicts_until_forced()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);
        await api.ApplyAsync($"{Deployments}/workers", Deployment(2), "imagerec-operator");

        var (code, conflict) = await api.ApplyAsync($"{Deployments}/workers", Deployment(5), "helm");

        Assert.Equal(409, code);
        Assert.Equal("Conflict", conflict["reason"]!.GetValue<string>());
        Assert.Equal("Apply failed with 1 conflict: conflict with \"imagerec-operator\": .spec.replicas", conflict["message"]!.GetValue<string>());
        var cause = Assert.Single(conflict["details"]!["causes"]!.AsArray())!;
        Assert.Equal("FieldManagerConflict", cause["reason"]!.GetValue<string>());
        Assert.Equal(".spec.replicas", cause["field"]!.GetValue<string>());

        var (forced, taken) = await api.ApplyAsync($"{Deployments}/workers", Deployment(5), "helm", force: true);
        Assert.Equal(200, forced);
        Assert.Equal(5, taken["spec"]!["replicas"]!.GetValue<int>());
        var owners = taken["metadata"]!["managedFields"]!.AsArray().ToDictionary(e => e!["manager"]!.GetValue<string>(), e => e!["fieldsV1"]!);
        Assert.NotNull(owners["helm"]["f:spec"]!["f:replicas"]);
        Assert.Null(owners["imagerec-operator"]["f:spec"]?["f:replicas"]);
    }

    [Fact]
    public async Task Same_values_are_shared_and_an_update_takes_fields_over_with_using_in_the_message()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);
        await api.ApplyAsync($"{Deployments}/workers", Deployment(2), "imagerec-operator");
        Assert.Equal(200, (await api.ApplyAsync($"{Deployments}/workers", Deployment(2), "helm")).Status);

        await api.SendAsync(HttpMethod.Patch, $"{Deployments}/workers?fieldManager=kubectl-scale", JsonNode.Parse("""{"spec":{"replicas":7}}"""), "application/merge-patch+json");
        var (code, conflict) = await api.ApplyAsync($"{Deployments}/workers", Deployment(2), "imagerec-operator");

        Assert.Equal(409, code);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas", conflict["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fields_a_manager_stops_applying_are_removed_unless_someone_else_owns_them()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);
        await api.ApplyAsync($"{Deployments}/workers", Deployment(2, "\n    tier: gold\n    team: ml"), "imagerec-operator");
        await api.ApplyAsync($"{Deployments}/workers", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: workers
              labels:
                team: ml
            """, "other");

        var (_, after) = await api.ApplyAsync($"{Deployments}/workers", Deployment(2), "imagerec-operator");

        var labels = after["metadata"]!["labels"]!.AsObject();
        Assert.False(labels.ContainsKey("tier"));
        Assert.Equal("ml", labels["team"]!.GetValue<string>());
        Assert.Equal("imagerec", labels["app"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_without_a_field_manager_is_a_bad_request()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);

        var (code, status) = await api.SendAsync(HttpMethod.Patch, $"{Deployments}/workers", rawBody: Deployment(1), contentType: "application/apply-patch+yaml");

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status["reason"]!.GetValue<string>());
    }
}
