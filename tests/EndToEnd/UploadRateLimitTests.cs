using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.EndToEnd;

/// <summary>
/// A second web tier on the `make run` stack's emulator, with a tight upload limit: a caller over
/// the limit gets 429, Retry-After and problem+json; nothing over the limit is stored or queued.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class UploadRateLimitTests(LocalStackFixture stack)
{
    [Fact]
    public async Task Uploads_over_the_limit_get_429_with_retry_after()
    {
        await using var webTier = await WebTierProcess.StartAsync(stack, FreePorts.One(),
            arguments: ["--RateLimit:UploadsPerSecond=1", "--RateLimit:Burst=2"]);
        var baseUri = webTier.BaseAddress;

        var image = File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_15.jpg"));
        // Ten at once against a bucket of 2 refilled at 1 per second: at most 2 + (seconds elapsed) get through.
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            return stack.Http.PostAsync(new Uri(baseUri, "v1/images"), new MultipartFormDataContent { { file, "image", "small.jpg" } });
        }));
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
    }
}
