using System.Net;
using System.Text.Json;
using ImageRec.Operator.Entities;
using ImageRec.Tests.Infrastructure;
using ImageRec.WebTier.Auth;
using ImageRec.WebTier.Pool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// <c>GET /v1/pool</c> over real HTTP, reading an operator stand-in that serves the operator's own
/// RecognitionPool type as the operator serialises it; and each way the status can be missing.
/// (The real operator behind it: tests/EndToEnd/PoolStatusTests and the browser test.)
/// </summary>
public sealed class PoolApiTests
{
    private static readonly DateTimeOffset Observed = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static RecognitionPool Pool() => new()
    {
        Metadata = new() { Name = "photos", NamespaceProperty = "imagerec" },
        Spec = new() { Scaling = new() { MinReplicas = 1, MaxReplicas = 8 } },
        Status = new()
        {
            Replicas = 3,
            ReadyReplicas = 2,
            DesiredReplicas = 5,
            Queue = new() { Visible = 42, InFlight = 7, ObservedAt = Observed },
            Conditions =
            [
                new() { Type = "Ready", Status = "True", Reason = "WorkersReady", Message = "2 of 3 workers ready." },
                new() { Type = "Scaling", Status = "True", Reason = "ScalingOut", Message = "Backlog 49 wants 5." },
            ],
        },
    };

    private static Task<LoopbackApp> OperatorAsync(Func<HttpContext, Task> status) =>
        LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/status/imagerec/photos", status));

    /// <summary>A web tier with just <c>/v1/pool</c> (no sign-in) reading <paramref name="statusUrl"/>.</summary>
    internal static Task<LoopbackApp> WebTierAsync(string? statusUrl, TimeSpan? timeout = null) => LoopbackApp.StartAsync(
        builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pool:StatusUrl"] = statusUrl,
                ["Pool:Timeout"] = (timeout ?? TimeSpan.FromSeconds(5)).ToString(),
                ["Auth:Mode"] = "None",
            });
            builder.Services.AddProblemDetails();
            builder.Services.AddImageRecAuth(builder.Configuration);
            builder.Services.AddPoolStatus(builder.Configuration);
        },
        app => app.UseImageRecAuth().MapPoolApi());

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> GetPoolAsync(LoopbackApp webTier)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(webTier.Address, "v1/pool"));
        return (response, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Answers_the_replicas_queue_depth_and_conditions_the_operator_reports()
    {
        await using var @operator = await OperatorAsync(context => context.Response.WriteAsync(JsonSerializer.Serialize(Pool(), EntityJson.Default.RecognitionPool)));
        await using var webTier = await WebTierAsync(new Uri(@operator.Address, "status/imagerec/photos").ToString());

        var (response, pool) = await GetPoolAsync(webTier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("photos", pool.GetProperty("name").GetString());
        Assert.Equal((3, 2, 5), (pool.GetProperty("replicas").GetInt32(), pool.GetProperty("readyReplicas").GetInt32(), pool.GetProperty("desiredReplicas").GetInt32()));
        Assert.Equal((42L, 7L), (pool.GetProperty("queueDepth").GetInt64(), pool.GetProperty("queueInFlight").GetInt64()));
        Assert.Equal((1, 8), (pool.GetProperty("minReplicas").GetInt32(), pool.GetProperty("maxReplicas").GetInt32()));
        Assert.Equal(Observed, pool.GetProperty("observedAt").GetDateTimeOffset());
        var conditions = pool.GetProperty("conditions").EnumerateArray()
            .Select(c => (c.GetProperty("type").GetString(), c.GetProperty("status").GetString(), c.GetProperty("reason").GetString())).ToArray();
        Assert.Equal([("Ready", "True", "WorkersReady"), ("Scaling", "True", "ScalingOut")], conditions);
    }

    [Fact]
    public async Task A_pool_without_status_yet_reads_as_zeros()
    {
        var fresh = Pool();
        fresh.Status = null;
        await using var @operator = await OperatorAsync(context => context.Response.WriteAsync(JsonSerializer.Serialize(fresh, EntityJson.Default.RecognitionPool)));
        await using var webTier = await WebTierAsync(new Uri(@operator.Address, "status/imagerec/photos").ToString());

        var (response, pool) = await GetPoolAsync(webTier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((0, 0L, 8), (pool.GetProperty("replicas").GetInt32(), pool.GetProperty("queueDepth").GetInt64(), pool.GetProperty("maxReplicas").GetInt32()));
        Assert.Empty(pool.GetProperty("conditions").EnumerateArray());
    }

    public static TheoryData<string, string, string> Unavailable() => new()
    {
        { "no status URL configured", "pool-status-not-configured", "Pool:StatusUrl" },
        { "nothing listening", "pool-status-unavailable", "could not be read" },
        { "operator too slow", "pool-status-unavailable", "did not answer within 0.5 s" },
        { "operator knows no such pool", "pool-not-found", "has no such pool" },
        { "operator failing", "pool-status-unavailable", "answered 500" },
        { "operator answering garbage", "pool-status-unavailable", "could not be read" },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public async Task Without_a_status_it_is_503_problem_json_with_a_reason(string situation, string reason, string detail)
    {
        await using var @operator = await OperatorAsync(async context =>
        {
            switch (situation)
            {
                case "operator too slow": await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted); break;
                case "operator failing": context.Response.StatusCode = 500; break;
                case "operator answering garbage": await context.Response.WriteAsync("{not json"); break;
            }
        });
        var url = situation switch
        {
            "no status URL configured" => null,
            "nothing listening" => $"http://127.0.0.1:{FreePorts.One()}/status",
            "operator knows no such pool" => new Uri(@operator.Address, "status/imagerec/other").ToString(),
            _ => new Uri(@operator.Address, "status/imagerec/photos").ToString(),
        };
        // A short timeout only where the test is about it: under a full test run the other operators may
        // take longer than 0.5 s to answer, and their case is not a slow operator.
        await using var webTier = await WebTierAsync(url, situation == "operator too slow" ? TimeSpan.FromMilliseconds(500) : null);

        var (response, problem) = await GetPoolAsync(webTier);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }
}
