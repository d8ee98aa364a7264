using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>Watch from a resourceVersion, bookmarks, 410 Gone after compaction, selector transitions, timeoutSeconds.</summary>
public sealed class WatchTests
{
    private const string Leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";

    private static Task<JsonObject> Lease(ApiClient api, string name, string labels = "app: op") => api.CreateAsync(Leases, $"""
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata:
          name: {name}
          labels: {"{"} {labels} {"}"}
        spec:
          holderIdentity: one
        """);

    [Fact]
    public async Task Watch_from_a_list_resource_version_sees_later_changes_in_order()
    {
        await using var server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = null });
        using var api = new ApiClient(server);
        await Lease(api, "before");
        var (_, list) = await api.GetAsync(Leases);
        var listVersion = list["metadata"]!["resourceVersion"]!.GetValue<string>();
        await Lease(api, "after");
        await api.MergePatchAsync($"{Leases}/after", JsonNode.Parse("""{"spec":{"holderIdentity":"two"}}""")!);
        await api.DeleteAsync($"{Leases}/before");

        using var watch = await api.WatchAsync($"{Leases}?watch=true&resourceVersion={listVersion}");

        var added = (await watch.NextAsync())!;
        Assert.Equal("ADDED", added["type"]!.GetValue<string>());
        Assert.Equal("after", added["object"]!["metadata"]!["name"]!.GetValue<string>());
        var modified = (await watch.NextAsync())!;
        Assert.Equal("MODIFIED", modified["type"]!.GetValue<string>());
        Assert.Equal("two", modified["object"]!["spec"]!["holderIdentity"]!.GetValue<string>());
        var deleted = (await watch.NextAsync())!;
        Assert.Equal("DELETED", deleted["type"]!.GetValue<string>());
        Assert.Equal("before", deleted["object"]!["metadata"]!["name"]!.GetValue<string>());

        await Lease(api, "live");
        Assert.Equal("live", (await watch.NextAsync())!["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bookmarks_carry_the_current_resource_version()
    {
        await using var server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = null });
        using var api = new ApiClient(server);
        await Lease(api, "l1");
        var now = server.ResourceVersion.ToString();
        using var watch = await api.WatchAsync($"{Leases}?watch=1&resourceVersion={now}&allowWatchBookmarks=true");

        server.TriggerBookmarks();

        var bookmark = (await watch.NextAsync())!;
        Assert.Equal("BOOKMARK", bookmark["type"]!.GetValue<string>());
        Assert.Equal("Lease", bookmark["object"]!["kind"]!.GetValue<string>());
        Assert.Equal(now, bookmark["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Periodic_bookmarks_arrive_without_being_triggered()
    {
        await using var server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var api = new ApiClient(server);
        using var watch = await api.WatchAsync($"{Leases}?watch=true&resourceVersion={server.ResourceVersion}&allowWatchBookmarks=true");

        Assert.Equal("BOOKMARK", (await watch.NextAsync())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_watch_from_before_compaction_gets_410_expired()
    {
        await using var server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = null });
        using var api = new ApiClient(server);
        await Lease(api, "l1");
        var old = server.ResourceVersion;
        await Lease(api, "l2");
        server.Compact();

        using var watch = await api.WatchAsync($"{Leases}?watch=true&resourceVersion={old}");

        var error = (await watch.NextAsync())!;
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.Equal(JsonNode.Parse($$"""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: {{old}} ({{old + 1}})","reason":"Expired","code":410}
            """), error["object"], JsonNode.DeepEquals);
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task The_history_window_is_bounded()
    {
        await using var server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = null, WatchHistoryCapacity = 2 });
        using var api = new ApiClient(server);
        var start = server.ResourceVersion;
        await Lease(api, "l1");
        await Lease(api, "l2");
        await Lease(api, "l3");

        using var expired = await api.WatchAsync($"{Leases}?watch=true&resourceVersion={start}");
        Assert.Equal("ERROR", (await expired.NextAsync())!["type"]!.GetValue<string>());
        using var inWindow = await api.WatchAsync($"{Leases}?watch=true&resourceVersion={start + 1}");
        Assert.Equal("l2", (await inWindow.NextAsync())!["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Label_selected_watch_reports_objects_leaving_and_entering_the_selection()
    {
        await using var server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = null });
        using var api = new ApiClient(server);
        await Lease(api, "l1", "app: op");
        using var watch = await api.WatchAsync($"{Leases}?watch=true&labelSelector=app%3Dop");
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.GetValue<string>());

        await api.MergePatchAsync($"{Leases}/l1", JsonNode.Parse("""{"metadata":{"labels":{"app":"other"}}}""")!);
        Assert.Equal("DELETED", (await watch.NextAsync())!["type"]!.GetValue<string>());
        await api.MergePatchAsync($"{Leases}/l1", JsonNode.Parse("""{"metadata":{"labels":{"app":"op"}}}""")!);
        Assert.Equal("ADDED", (await watch.NextAsync())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Timeout_seconds_ends_the_watch()
    {
        await using var server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = null });
        using var api = new ApiClient(server);
        using var watch = await api.WatchAsync($"{Leases}?watch=true&resourceVersion={server.ResourceVersion}&timeoutSeconds=1");

        Assert.Null(await watch.NextAsync(TimeSpan.FromSeconds(5)));
    }
}
