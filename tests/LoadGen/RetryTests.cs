using System.Collections.Concurrent;
using ImageRec.LoadGen;
using ImageRec.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.LoadGen;

/// <summary>
/// <c>--retries</c> over real HTTP: a server that answers each upload's first attempt 503 sees every upload
/// exactly twice, both times with the same Idempotency-Key, and one key per upload.
/// </summary>
public sealed class RetryTests
{
    [Theory]
    [InlineData(2, 2)]
    [InlineData(0, 1)]
    public async Task A_resent_upload_carries_its_first_attempts_idempotency_key(int retries, int attemptsEach)
    {
        var attempts = new ConcurrentDictionary<string, int>();
        await using var server = await LoopbackApp.StartAsync(_ => { }, app => app.MapPost("/v1/images", (HttpRequest request) =>
        {
            var key = request.Headers["Idempotency-Key"].ToString();
            return attempts.AddOrUpdate(key, 1, (_, n) => n + 1) == 1
                ? Results.Problem(statusCode: 503, extensions: new Dictionary<string, object?> { ["reason"] = "dependency-unavailable" })
                : Results.Json(new { id = Guid.NewGuid().ToString(), status = "queued" }, statusCode: 202);
        }));
        var options = LoadGenOptions.Parse(["--url", server.Address.ToString(), "--images", "x", "--mode", "upload",
            "--count", "3", "--concurrency", "3", "--retries", retries.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var client = LoadRunner.CreateClient(options);
        var runner = new LoadRunner(client, options, [new ImageFile("a.jpg", [0xFF, 0xD8, 0xFF])], expected: null);

        var run = await runner.RunAsync(CancellationToken.None);

        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Matches("^\"[0-9a-f-]{36}\"$", a.Key));
        Assert.All(attempts.Values, n => Assert.Equal(attemptsEach, n));
        Assert.Equal(3 * (attemptsEach - 1), runner.Retries);
        Assert.All(run.Records, r => Assert.Equal(retries > 0, r.Outcome == Outcome.Ok));
    }
}
