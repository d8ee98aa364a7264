using System.Net;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary>Watch streams: query, event parsing (bookmarks included) and 410 Gone in both forms.</summary>
public sealed class WatchTests
{
    [Fact]
    public async Task Watch_streams_events_and_bookmarks_from_the_given_resourceVersion()
    {
        var handler = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.WatchStream(
            """{"type":"ADDED","object":{"metadata":{"name":"a","namespace":"ns","resourceVersion":"11"}}}""",
            "",
            """{"type":"MODIFIED","object":{"metadata":{"name":"a","namespace":"ns","resourceVersion":"12"},"status":{"phase":"Running"}}}""",
            """{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"20","annotations":{"k8s.io/initial-events-end":"true"}}}}""",
            """{"type":"DELETED","object":{"metadata":{"name":"a","namespace":"ns","resourceVersion":"21"}}}"""));
        using var client = handler.CreateClient();

        var events = new List<WatchEvent<Pod>>();
        await foreach (var e in client.WatchAsync(KubernetesResources.Pods, "ns", "10", labelSelector: "app=worker", timeoutSeconds: 60))
        {
            events.Add(e);
        }

        Assert.Equal("/api/v1/namespaces/ns/pods?watch=true&resourceVersion=10&allowWatchBookmarks=true&labelSelector=app%3Dworker&timeoutSeconds=60",
            Assert.Single(handler.Requests).PathAndQuery);
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal(["11", "12", "20", "21"], events.Select(e => e.ResourceVersion!));
        Assert.Equal("Running", events[1].Object.Status!.Phase);
    }

    [Fact]
    public async Task Gone_as_an_ERROR_event_throws_ResourceVersionExpired_after_the_earlier_events()
    {
        var handler = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.WatchStream(
            """{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"11"}}}""",
            """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 10 (15)","reason":"Expired","code":410}}"""));
        using var client = handler.CreateClient();
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<ResourceVersionExpiredException>(async () =>
        {
            await foreach (var e in client.WatchAsync(KubernetesResources.Pods, "ns", "10"))
            {
                seen.Add(e.Object.Metadata!.Name!);
            }
        });

        Assert.Equal(["a"], seen);
        Assert.Equal("too old resource version: 10 (15)", error.Status!.Message);
    }

    [Fact]
    public async Task Gone_as_an_HTTP_status_and_other_ERROR_events()
    {
        var responses = new Queue<HttpResponseMessage>(
        [
            ScriptedKubernetesHandler.Status(HttpStatusCode.Gone, "Gone"),
            ScriptedKubernetesHandler.WatchStream("""{"type":"ERROR","object":{"kind":"Status","reason":"InternalError","message":"etcd","code":500}}"""),
        ]);
        var handler = new ScriptedKubernetesHandler(_ => responses.Dequeue());
        using var client = handler.CreateClient();

        await Assert.ThrowsAsync<ResourceVersionExpiredException>(async () =>
        {
            await foreach (var _ in client.WatchAsync(KubernetesResources.Pods, null, "1"))
            {
            }
        });
        var internalError = await Assert.ThrowsAsync<KubernetesApiException>(async () =>
        {
            await foreach (var _ in client.WatchAsync(KubernetesResources.Pods, null, "1", allowBookmarks: false))
            {
            }
        });

        Assert.Equal(HttpStatusCode.InternalServerError, internalError.StatusCode);
        Assert.Equal("/api/v1/pods?watch=true&resourceVersion=1&timeoutSeconds=300", handler.Requests[1].PathAndQuery);
    }
}
