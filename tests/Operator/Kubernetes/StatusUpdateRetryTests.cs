using System.Net;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary><see cref="KubernetesClientExtensions.UpdateStatusWithRetryAsync{T}"/>: re-read and retry on 409, bounded.</summary>
public sealed class StatusUpdateRetryTests
{
    [Fact]
    public async Task A_conflict_rereads_and_applies_the_change_to_the_new_version()
    {
        var version = 0;
        var handler = new ScriptedKubernetesHandler(request =>
        {
            if (request.Method == HttpMethod.Get)
            {
                version++;
                return ScriptedKubernetesHandler.Json(HttpStatusCode.OK,
                    $$$"""{"metadata":{"name":"workers","namespace":"ns","resourceVersion":"{{{version}}}"},"status":{"replicas":1}}""");
            }

            // The first write loses a race with another writer.
            return request.Body.Contains("\"resourceVersion\":\"1\"")
                ? ScriptedKubernetesHandler.Status(HttpStatusCode.Conflict, "Conflict", "the object has been modified")
                : ScriptedKubernetesHandler.Json(HttpStatusCode.OK, request.Body);
        });
        using var client = handler.CreateClient();
        var mutations = 0;

        var updated = await client.UpdateStatusWithRetryAsync(KubernetesResources.Deployments, "ns", "workers", d =>
        {
            mutations++;
            d.Status!.ReadyReplicas = 3;
            return d;
        });

        Assert.Equal(2, mutations);
        Assert.Equal(3, updated!.Status!.ReadyReplicas);
        Assert.Equal("2", updated.Metadata!.ResourceVersion);
        Assert.Equal(["GET", "PUT", "GET", "PUT"], handler.Requests.Select(r => r.Method.Method));
        Assert.Equal("/apis/apps/v1/namespaces/ns/deployments/workers/status", handler.Requests[3].PathAndQuery);
    }

    [Fact]
    public async Task Retries_are_bounded_and_a_missing_object_is_null()
    {
        var conflicting = new ScriptedKubernetesHandler(request => request.Method == HttpMethod.Get
            ? ScriptedKubernetesHandler.Json(HttpStatusCode.OK, """{"metadata":{"name":"w","resourceVersion":"1"}}""")
            : ScriptedKubernetesHandler.Status(HttpStatusCode.Conflict, "Conflict"));
        var missing = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.Status(HttpStatusCode.NotFound, "NotFound"));
        using var conflictingClient = conflicting.CreateClient();
        using var missingClient = missing.CreateClient();

        await Assert.ThrowsAsync<ConflictException>(() =>
            conflictingClient.UpdateStatusWithRetryAsync(KubernetesResources.Deployments, "ns", "w", d => d, maxAttempts: 3));
        var gone = await missingClient.UpdateStatusWithRetryAsync(KubernetesResources.Deployments, "ns", "w", d => d);

        Assert.Equal(6, conflicting.Requests.Count);
        Assert.Null(gone);
    }
}
