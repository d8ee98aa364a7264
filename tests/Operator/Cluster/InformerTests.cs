using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ImageRec.Operator.Cluster;
using ImageRec.Tests.Infrastructure.KubernetesApi;
using ImageRec.Tests.KubernetesApi;
using ImageRec.Tests.Operator.Controllers;
using ImageRec.Tests.Infrastructure;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.Operator.Cluster;

/// <summary>
/// <see cref="Informer{T}"/> over the Kubernetes client's list and watch, against the API double: list then
/// watch, resume from bookmarks, relist after 410 Gone, ride out a refused connection, hand out copies.
/// </summary>
public sealed class InformerTests : IAsyncLifetime
{
    private const string Namespace = "default";
    private KubernetesApiServer _server = null!;
    private ApiClient _admin = null!;
    private IKubernetes _client = null!;
    private readonly ApiConnectionFaults _faults = new();
    private readonly ConcurrentQueue<string> _changes = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        // Bookmarks only when a test asks for them.
        _server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = null });
        _admin = new ApiClient(_server);
        _client = OperatorTestCluster.Client(_server, _server.AdminToken, _faults);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        _client.Dispose();
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private Informer<V1ConfigMap> StartWorkerConfigMaps()
    {
        var informer = new Informer<V1ConfigMap>("configmaps",
            async cancellationToken =>
            {
                var list = await _client.CoreV1.ListNamespacedConfigMapAsync(Namespace, labelSelector: "app=worker", cancellationToken: cancellationToken);
                return (list.Items, list.Metadata.ResourceVersion);
            },
            (resourceVersion, timeoutSeconds, onError, cancellationToken) => _client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace,
                allowWatchBookmarks: true, labelSelector: "app=worker", resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: onError, cancellationToken: cancellationToken),
            TimeProvider.System, NullLogger.Instance,
            // Short watches, so a test sees the informer reconnect within a second.
            new InformerOptions { WatchTimeoutSeconds = 1, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) });
        informer.OnChange(change => _changes.Enqueue(change.Current.Metadata.Name));
        _run = informer.RunAsync(_stop.Token);
        return informer;
    }

    private Task CreateAsync(string name, string value, string app = "worker") =>
        _admin.CreateAsync($"/api/v1/namespaces/{Namespace}/configmaps", $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{name}}
              labels: {app: {{app}} }
            data: {value: "{{value}}"}
            """);

    private async Task SetValueAsync(string name, string value) =>
        await _admin.MergePatchAsync($"/api/v1/namespaces/{Namespace}/configmaps/{name}", new JsonObject { ["data"] = new JsonObject { ["value"] = value } });

    private static Task<T> Eventually<T>(Func<T> probe, Func<T, bool> done, string what) =>
        OperatorTestCluster.EventuallyAsync(() => Task.FromResult(probe()), done, what, seconds: 10);

    [Fact]
    public async Task Lists_then_watches_resumes_from_a_bookmark_and_relists_after_410_Gone()
    {
        await CreateAsync("a", "1");
        await CreateAsync("b", "1");
        await CreateAsync("unrelated", "1", app: "web");
        var informer = StartWorkerConfigMaps();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((2, 1), (informer.Count, informer.ListCount));

        await SetValueAsync("a", "2");
        await Eventually(() => informer.Get(Namespace, "a")?.Data["value"], v => v == "2", "the watched change");

        // A change the selection does not see moves the server on; a bookmark tells the informer.
        await CreateAsync("unrelated-2", "1", app: "web");
        var current = _server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Eventually(() => { _server.TriggerBookmarks(); return informer.LastResourceVersion; }, v => v == current, "resourceVersion from a bookmark");

        // The watch cannot reconnect while the server forgets its history: the next watch gets 410 Gone.
        _faults.HoldWatches();
        await Eventually(() => _faults.HeldWatches, n => n == 1, "the watch waiting to reconnect");
        await _admin.DeleteAsync($"/api/v1/namespaces/{Namespace}/configmaps/b");
        await CreateAsync("c", "1");
        _server.Compact();
        _changes.Clear();
        _faults.ReleaseWatches();

        await Eventually(() => informer.ListCount, n => n == 2, "a relist after 410");
        Assert.Equal(["a", "c"], informer.List().Select(m => m.Metadata.Name).Order());
        await Eventually(() => _changes.Order().ToList(), c => c.SequenceEqual(["b", "c"]), "news of what changed while not watching");
    }

    [Fact]
    public async Task Rides_out_a_refused_connection_and_resumes_without_relisting()
    {
        await CreateAsync("a", "1");
        var informer = StartWorkerConfigMaps();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        _faults.Refuse = true;
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the watch ends and cannot reconnect
        await SetValueAsync("a", "during the outage");
        _faults.Refuse = false;

        await Eventually(() => informer.Get(Namespace, "a")?.Data["value"], v => v == "during the outage", "the change made during the outage");
        Assert.Equal(1, informer.ListCount);
        Assert.False(_run.IsCompleted);
    }

    [Fact]
    public async Task Every_read_is_a_copy_that_callers_may_change()
    {
        await CreateAsync("a", "1");
        var informer = StartWorkerConfigMaps();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var copy = informer.Get(Namespace, "a")!;
        copy.Data["value"] = "changed by a caller";
        copy.Metadata.Labels["app"] = "changed";
        informer.List()[0].Data["value"] = "changed too";

        var cached = informer.Get($"{Namespace}/a")!;
        Assert.Equal(("1", "worker"), (cached.Data["value"], cached.Metadata.Labels["app"]));
    }

    [Fact]
    public async Task A_watch_that_is_gone_right_after_each_list_relists_with_backoff_not_in_a_loop()
    {
        // A server answering every watch 410 (its history compacted as fast as it is written): one relist at
        // once is right, relisting at once each time is hundreds of lists a second.
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var gone = new KubernetesException(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version" });
        var informer = new Informer<V1ConfigMap>("configmaps",
            _ => Task.FromResult<(IEnumerable<V1ConfigMap>, string?)>(([], "1")),
            (_, _, onError, _) => Gone(onError, gone),
            time, NullLogger.Instance,
            new InformerOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(4) });
        _run = informer.RunAsync(_stop.Token);

        await Eventually(() => time.PendingTimers, n => n == 1, "the informer waiting after the first 410");
        Assert.Equal(1, informer.ListCount);
        foreach (var (wait, lists) in new[] { (1, 2), (2, 3), (4, 4), (4, 5) })
        {
            time.Advance(TimeSpan.FromSeconds(wait) - TimeSpan.FromMilliseconds(1));
            await Task.Delay(50);
            Assert.Equal(lists - 1, informer.ListCount);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually(() => (informer.ListCount, time.PendingTimers), s => s == (lists, 1), $"relist {lists} after {wait} s");
        }
    }

    private static async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Gone(Action<Exception> onError, Exception gone)
    {
        await Task.Yield();
        onError(gone);
        yield break;
    }
    [Fact]
    public async Task An_object_that_cannot_be_cached_is_skipped_and_the_watch_goes_on_past_it()
    {
        // One watch: an object the cache cannot take (no name), then a good one; later watches stay open until stopped.
        var watches = 0;
        async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Watch(string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref watches) == 1)
            {
                yield return (WatchEventType.Added, new V1ConfigMap { Metadata = new V1ObjectMeta { NamespaceProperty = Namespace, ResourceVersion = "5" } });
                yield return (WatchEventType.Added, new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "good", NamespaceProperty = Namespace, ResourceVersion = "6" } });
                yield break;
            }
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        var informer = new Informer<V1ConfigMap>("configmaps",
            _ => Task.FromResult<(IEnumerable<V1ConfigMap>, string?)>(([], "1")),
            (resourceVersion, _, _, cancellationToken) => Watch(resourceVersion, cancellationToken),
            TimeProvider.System, NullLogger.Instance,
            new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) });
        informer.OnChange(change => _changes.Enqueue(change.Current.Metadata.Name));
        _run = informer.RunAsync(_stop.Token);

        await Eventually(() => informer.Get(Namespace, "good"), c => c is not null, "the object after the bad one");
        Assert.Equal("6", informer.LastResourceVersion);
        Assert.Equal(["good"], _changes);
    }

    [Fact]
    public void A_pool_this_build_cannot_read_is_a_bookmark_at_its_version_or_a_deletion_of_its_name()
    {
        var json = System.Text.Json.JsonDocument.Parse("""
            {"apiVersion": "imagerec.io/v1alpha1", "kind": "RecognitionPool",
             "metadata": {"name": "odd", "namespace": "default", "resourceVersion": "42"},
             "spec": {"scaling": {"minReplicas": "lots"}}}
            """).RootElement;

        var (modified, skipped) = ClusterInformers.AsPoolEvent(WatchEventType.Modified, json, NullLogger.Instance);
        Assert.Equal((WatchEventType.Bookmark, "42"), (modified, skipped.Metadata.ResourceVersion));

        var (deleted, gone) = ClusterInformers.AsPoolEvent(WatchEventType.Deleted, json, NullLogger.Instance);
        Assert.Equal((WatchEventType.Deleted, "default", "odd"), (deleted, gone.Metadata.NamespaceProperty, gone.Metadata.Name));
    }
}
