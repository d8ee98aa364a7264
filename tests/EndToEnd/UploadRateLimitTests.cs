using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.EndToEnd;

/// <summary>
/// A second web tier on the `make run` stack's emulator and sign-in, with a tight upload limit: a caller
/// over the limit gets 429, Retry-After and problem+json; nothing over the limit is stored or queued;
/// the limit is per signed-in user, so another user from the same address still gets through.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class UploadRateLimitTests(LocalStackFixture stack)
{
    [Fact]
    public async Task Uploads_over_the_limit_get_429_with_retry_after()
    {
        await using var webTier = await WebTierProcess.StartAsync(new Dictionary<string, string>(stack.WebTierSettings())
        {
            ["RateLimit__UploadsPerSecond"] = "1",
            ["RateLimit__Burst"] = "2",
        });
        using var alice = await stack.ClientForAsync("alice");
        using var bob = await stack.ClientForAsync("bob");

        var image = File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_15.jpg"));
        Task<HttpResponseMessage> UploadAsync(HttpClient client)
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            return client.PostAsync(new Uri(webTier.BaseAddress, "v1/images"), new MultipartFormDataContent { { file, "image", "small.jpg" } });
        }

        // Ten at once against a bucket of 2 refilled at 1 per second: at most 2 + (seconds elapsed) get through.
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => UploadAsync(alice)));
        var allowed = 2 + (int)Math.Ceiling(clock.Elapsed.TotalSeconds);

        var accepted = statuses.Count(r => r.StatusCode == HttpStatusCode.Accepted);
        var limited = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(10, accepted + limited.Length);
        Assert.InRange(accepted, 2, allowed);
        Assert.NotEmpty(limited);
        Assert.All(limited, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        var problem = JsonDocument.Parse(await limited[0].Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("application/problem+json", limited[0].Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate-limited", problem.GetProperty("reason").GetString());
        foreach (var response in statuses) response.Dispose();

        // Alice emptied her bucket; bob, from the same address, has his own: his burst of 2 gets through.
        var bobs = await Task.WhenAll(UploadAsync(bob), UploadAsync(bob));
        Assert.All(bobs, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        foreach (var response in bobs) response.Dispose();
    }
}
