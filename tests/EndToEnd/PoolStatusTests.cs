using System.Net;
using System.Text.Json;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.EndToEnd;

/// <summary><c>GET /v1/pool</c> on the stack `make run` starts: the web tier reads the local operator's status.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class PoolStatusTests(LocalStackFixture stack)
{
    [Fact]
    public async Task The_web_tier_reports_the_local_pools_workers_and_queue()
    {
        using var response = await stack.Http.GetAsync(new Uri(stack.WebTier, "v1/pool"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{stack.Logs()}");
        var pool = JsonDocument.Parse(body).RootElement;
        Assert.Equal("local", pool.GetProperty("name").GetString());
        Assert.InRange(pool.GetProperty("replicas").GetInt32(), LocalStackFixture.Workers, LocalStackFixture.MaxWorkers);
        Assert.InRange(pool.GetProperty("readyReplicas").GetInt32(), 1, LocalStackFixture.MaxWorkers);
        Assert.Equal((LocalStackFixture.Workers, LocalStackFixture.MaxWorkers), (pool.GetProperty("minReplicas").GetInt32(), pool.GetProperty("maxReplicas").GetInt32()));
        Assert.True(pool.GetProperty("queueDepth").GetInt64() >= 0);
        Assert.Contains(pool.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Ready");
    }

    [Fact]
    public async Task The_pool_is_only_shown_to_signed_in_callers()
    {
        using var anonymous = new HttpClient();
        using var response = await anonymous.GetAsync(new Uri(stack.WebTier, "v1/pool"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
