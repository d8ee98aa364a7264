using System.Net;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary><see cref="ResourceWatcher{T}"/>: list then watch, resume from bookmarks, relist on 410, copy-on-read cache.</summary>
public sealed class ResourceWatcherTests
{
    [Fact]
    public async Task Lists_watches_resumes_from_a_bookmark_and_relists_after_410()
    {
        var lastWatchOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lists = 0;
        var handler = new ScriptedKubernetesHandler((request, cancellationToken) =>
        {
            var query = request.Uri.Query;
            var isList = !query.Contains("watch=true");
            lists += isList ? 1 : 0;
            return query switch
            {
                _ when isList && lists == 1 => Reply(ScriptedKubernetesHandler.Json(HttpStatusCode.OK,
                    """{"metadata":{"resourceVersion":"10"},"items":[{"metadata":{"name":"a","namespace":"ns","resourceVersion":"5"}},{"metadata":{"name":"b","namespace":"ns","resourceVersion":"6"}}]}""")),
                _ when query.Contains("resourceVersion=10&") => Reply(ScriptedKubernetesHandler.WatchStream(
                    """{"type":"MODIFIED","object":{"metadata":{"name":"a","namespace":"ns","resourceVersion":"11"},"status":{"phase":"Running"}}}""",
                    """{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"15"}}}""")),
                _ when query.Contains("resourceVersion=15&") => Reply(ScriptedKubernetesHandler.WatchStream(
                    """{"type":"ERROR","object":{"kind":"Status","reason":"Expired","message":"too old resource version","code":410}}""")),
                _ when isList => Reply(ScriptedKubernetesHandler.Json(HttpStatusCode.OK,
                    """{"metadata":{"resourceVersion":"20"},"items":[{"metadata":{"name":"a","namespace":"ns","resourceVersion":"11"},"status":{"phase":"Running"}},{"metadata":{"name":"c","namespace":"ns","resourceVersion":"16"}}]}""")),
                _ when query.Contains("resourceVersion=20&") => OpenLastWatch(cancellationToken),
                _ => Reply(ScriptedKubernetesHandler.Status(HttpStatusCode.BadRequest, "BadRequest", "unexpected " + request.PathAndQuery)),
            };

            Task<HttpResponseMessage> OpenLastWatch(CancellationToken token)
            {
                lastWatchOpened.TrySetResult();
                return ScriptedKubernetesHandler.HangingWatch(token);
            }
        });
        using var client = handler.CreateClient();
        var watcher = new ResourceWatcher<Pod>(client, KubernetesResources.Pods, "ns",
            new ResourceWatcherOptions { LabelSelector = "app=worker", WatchTimeoutSeconds = 30 });
        using var stop = new CancellationTokenSource();

        var run = watcher.RunAsync(stop.Token);
        await watcher.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await lastWatchOpened.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(
        [
            "/api/v1/namespaces/ns/pods?labelSelector=app%3Dworker",
            "/api/v1/namespaces/ns/pods?watch=true&resourceVersion=10&allowWatchBookmarks=true&labelSelector=app%3Dworker&timeoutSeconds=30",
            "/api/v1/namespaces/ns/pods?watch=true&resourceVersion=15&allowWatchBookmarks=true&labelSelector=app%3Dworker&timeoutSeconds=30",
            "/api/v1/namespaces/ns/pods?labelSelector=app%3Dworker",
            "/api/v1/namespaces/ns/pods?watch=true&resourceVersion=20&allowWatchBookmarks=true&labelSelector=app%3Dworker&timeoutSeconds=30",
        ], handler.Requests.Select(r => r.PathAndQuery));
        Assert.Equal(2, watcher.ListCount);
        Assert.Equal("20", watcher.LastResourceVersion);
        Assert.Equal(["ns/a", "ns/c"], watcher.List().Select(p => $"{p.Metadata!.Namespace}/{p.Metadata.Name}").Order());
        Assert.Null(watcher.Get("ns", "b"));
        // Changes: the first list (a, b), the watch (a), the relist (c is new, b vanished; a unchanged).
        var changes = new List<string>();
        await foreach (var key in watcher.Changes.ReadAllAsync())
        {
            changes.Add(key);
        }

        Assert.Equal(["ns/a", "ns/b", "ns/a", "ns/c", "ns/b"], changes);
    }

    [Fact]
    public async Task Cached_objects_are_copies_and_errors_back_off_then_resume()
    {
        var attempts = 0;
        var watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedKubernetesHandler((request, cancellationToken) =>
        {
            if (!request.Uri.Query.Contains("watch=true"))
            {
                return Reply(ScriptedKubernetesHandler.Json(HttpStatusCode.OK,
                    """{"metadata":{"resourceVersion":"3"},"items":[{"metadata":{"name":"workers","namespace":"ns","resourceVersion":"2","labels":{"app":"worker"}},"spec":{"replicas":2}}]}"""));
            }

            if (++attempts == 1)
            {
                return Reply(ScriptedKubernetesHandler.Status(HttpStatusCode.InternalServerError, "InternalError"));
            }

            watching.TrySetResult();
            return ScriptedKubernetesHandler.HangingWatch(cancellationToken);
        });
        using var client = handler.CreateClient();
        var watcher = new ResourceWatcher<Deployment>(client, KubernetesResources.Deployments, "ns",
            new ResourceWatcherOptions { InitialBackoff = TimeSpan.FromMilliseconds(1) });
        using var stop = new CancellationTokenSource();

        var run = watcher.RunAsync(stop.Token);
        await watching.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var copy = watcher.Get("ns/workers")!;
        copy.Spec!.Replicas = 99;
        copy.Metadata!.Labels!["app"] = "changed";
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var cached = watcher.Get("ns", "workers")!;
        Assert.Equal(2, cached.Spec!.Replicas);
        Assert.Equal("worker", cached.Metadata!.Labels!["app"]);
        Assert.Equal(1, watcher.ListCount);
        // The failed watch is retried from the same version, not relisted.
        Assert.All(handler.Requests.Skip(1), r => Assert.Contains("resourceVersion=3&", r.PathAndQuery));
    }

    private static Task<HttpResponseMessage> Reply(HttpResponseMessage response) => Task.FromResult(response);
}
