using System.Net;
using System.Text.Json;
using ImageRec.Operator.Cluster;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Status;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Operator.Controllers;
using ImageRec.Tests.WebTier;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using k8s;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Operator;

/// <summary>
/// Cluster mode's <c>GET /status</c>: the operator's own informer over the Kubernetes API double,
/// authorised by the chart's ClusterRole, served on a real port; and the web tier's <c>/v1/pool</c>
/// reading it the way the chart wires them.
/// </summary>
public sealed class PoolStatusApiTests : IAsyncLifetime
{
    private OperatorTestCluster _cluster = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _cluster = await OperatorTestCluster.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private static Task<LoopbackApp> OperatorAsync(IKubernetes client) => LoopbackApp.StartAsync(
        builder =>
        {
            builder.Services.AddSingleton(client);
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton<PoolStatusCache>();
            builder.Services.AddSingleton<IPoolStatusSource>(sp => sp.GetRequiredService<PoolStatusCache>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PoolStatusCache>());
        },
        app => app.MapPoolStatus());

    private Task SetStatusAsync(string name, int replicas, long waiting) => _cluster.AdminClient.UpdatePoolStatusWithRetryAsync(
        OperatorTestCluster.Namespace, name, pool =>
        {
            pool.Status = new RecognitionPoolStatus
            {
                Replicas = replicas,
                ReadyReplicas = replicas,
                DesiredReplicas = replicas,
                Queue = new QueueStatus { Visible = waiting, ObservedAt = DateTimeOffset.UtcNow },
                Conditions = [new PoolCondition { Type = "Ready", Status = "True", Reason = "WorkersReady" }],
            };
        });

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(Uri address)
    {
        using var response = await _http.GetAsync(address);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Serves_each_pool_and_the_list_from_its_cache_and_follows_status_changes()
    {
        await _cluster.CreatePoolAsync("photos");
        await _cluster.CreatePoolAsync("archive");
        await SetStatusAsync("photos", replicas: 3, waiting: 42);
        await using var @operator = await OperatorAsync(_cluster.OperatorClient());
        var photos = new Uri(@operator.Address, $"status/{OperatorTestCluster.Namespace}/photos");

        var (status, pool) = await OperatorTestCluster.EventuallyAsync(() => GetAsync(photos), r => r.Status == HttpStatusCode.OK, "photos served");
        Assert.Equal("photos", pool.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(3, pool.GetProperty("status").GetProperty("replicas").GetInt32());
        Assert.Equal(42, pool.GetProperty("status").GetProperty("queue").GetProperty("visible").GetInt64());

        var (_, list) = await GetAsync(new Uri(@operator.Address, "status"));
        Assert.Equal(["archive", "photos"], list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("metadata").GetProperty("name").GetString()));

        // The leader writes a new status; this replica's informer sees it.
        await SetStatusAsync("photos", replicas: 5, waiting: 7);
        await OperatorTestCluster.EventuallyAsync(() => GetAsync(photos),
            r => r.Body.GetProperty("status").GetProperty("replicas").GetInt32() == 5, "new status served");

        var (missing, problem) = await GetAsync(new Uri(@operator.Address, $"status/{OperatorTestCluster.Namespace}/nothing"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("not-found", problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_web_tier_shows_the_pool_the_operator_serves()
    {
        await _cluster.CreatePoolAsync("photos");
        await SetStatusAsync("photos", replicas: 2, waiting: 9);
        await using var @operator = await OperatorAsync(_cluster.OperatorClient());
        await using var webTier = await PoolApiTests.WebTierAsync(new Uri(@operator.Address, $"status/{OperatorTestCluster.Namespace}/photos").ToString());

        var (_, pool) = await OperatorTestCluster.EventuallyAsync(() => GetAsync(new Uri(webTier.Address, "v1/pool")),
            r => r.Status == HttpStatusCode.OK, "pool status through the web tier");
        Assert.Equal(("photos", 2, 9L), (pool.GetProperty("name").GetString(), pool.GetProperty("replicas").GetInt32(), pool.GetProperty("queueDepth").GetInt64()));
        Assert.Equal((1, 6), (pool.GetProperty("minReplicas").GetInt32(), pool.GetProperty("maxReplicas").GetInt32()));
    }

    [Fact]
    public async Task Until_the_pools_are_listed_it_says_so_instead_of_claiming_there_are_none()
    {
        // An API server that cannot be reached: the informer never lists.
        var unreachable = new Uri($"https://127.0.0.1:{FreePorts.One()}/");
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = unreachable.ToString(), Namespace = OperatorTestCluster.Namespace });
        await using var @operator = await OperatorAsync(client);

        foreach (var path in new[] { "status", $"status/{OperatorTestCluster.Namespace}/photos" })
        {
            var (status, problem) = await GetAsync(new Uri(@operator.Address, path));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("not-synced", problem.GetProperty("reason").GetString());
        }
    }

    /// <summary>Local mode's source: one pool, always read.</summary>
    private sealed class OneLocalPool(RecognitionPool pool) : IPoolStatusSource
    {
        public bool HasSynced => true;

        public RecognitionPool? OnlyPool => pool;

        public IReadOnlyList<RecognitionPool> List() => [pool];

        public RecognitionPool? Get(string @namespace, string name) => name == pool.Name ? pool : null;
    }

    [Fact]
    public async Task A_local_operator_answers_its_one_pool_at_status_through_the_same_mapping()
    {
        var pool = new RecognitionPool { Metadata = new() { Name = "local", NamespaceProperty = "default" }, Status = new RecognitionPoolStatus { Replicas = 2 } };
        await using var @operator = await LoopbackApp.StartAsync(
            builder => builder.Services.AddSingleton<IPoolStatusSource>(new OneLocalPool(pool)),
            app => app.MapPoolStatus());

        foreach (var path in new[] { "status", "status/default/local" })
        {
            var (status, body) = await GetAsync(new Uri(@operator.Address, path));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(("local", 2), (body.GetProperty("metadata").GetProperty("name").GetString(), body.GetProperty("status").GetProperty("replicas").GetInt32()));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(new Uri(@operator.Address, "status/default/other"))).Status);
    }
}
