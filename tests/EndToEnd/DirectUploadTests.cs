using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Contracts;
using ImageRec.Tests.BadInput;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.EndToEnd;

/// <summary>
/// Images that arrive through S3 on the stack `make run` starts (its input bucket notifies the request queue, as
/// deploy/eks configures it on AWS): a presigned upload a signed-in user PUTs with a plain HTTP client, and images a
/// pipeline writes into the bucket under the user's prefix with the SDK. Each is classified and listed for its owner,
/// bad input ends failed with the web tier's reason, a key written twice is one job, an expired URL is refused.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class DirectUploadTests(LocalStackFixture stack)
{
    private static readonly IReadOnlyList<ExpectedLabel> Expected = ExpectedLabel.Load();

    private static byte[] TestImage(string file) => File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", file));

    private sealed record UploadTicket(string Id, string Url, string Method, Dictionary<string, string> Headers, DateTimeOffset ExpiresAt);

    private static async Task<UploadTicket> TicketAsync(HttpClient client, Uri webTier, string contentType, long length)
    {
        using var response = await client.PostAsJsonAsync(new Uri(webTier, "v1/uploads"), new { contentType, contentLength = length });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<UploadTicket>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static async Task<HttpResponseMessage> PutAsync(UploadTicket ticket, byte[] bytes)
    {
        using var plain = new HttpClient(); // no token: the URL is the authorisation
        using var request = new HttpRequestMessage(new HttpMethod(ticket.Method), ticket.Url) { Content = new ByteArrayContent(bytes) };
        foreach (var (name, value) in ticket.Headers) request.Content.Headers.TryAddWithoutValidation(name, value);
        return await plain.SendAsync(request);
    }

    /// <summary>The image's result once it is no longer waiting (queued or awaiting its upload), within 60 s.</summary>
    private static async Task<JsonElement> FinishedAsync(HttpClient client, Uri webTier, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync(new Uri(webTier, $"v1/images/{id}?wait=10"));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var result = JsonDocument.Parse(body).RootElement;
                if (result.GetProperty("status").GetString() is "succeeded" or "failed") return result;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{id} not finished within 60 s: {(int)response.StatusCode} {body}");
            await Task.Delay(200);
        }
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, Uri webTier) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri(webTier, "v1/images?limit=100"))).RootElement
            .GetProperty("items").EnumerateArray().ToList();

    [Fact]
    public async Task A_presigned_upload_put_with_a_plain_client_is_classified_like_any_upload()
    {
        using var client = await stack.ClientForAsync("direct-" + Guid.NewGuid().ToString("N")[..8]);
        var expected = Expected[3];
        var bytes = TestImage(expected.File);

        var ticket = await TicketAsync(client, stack.WebTier, "image/jpeg", bytes.Length);
        Assert.Equal("awaiting-upload", JsonDocument.Parse(await client.GetStringAsync(new Uri(stack.WebTier, $"v1/images/{ticket.Id}"))).RootElement.GetProperty("status").GetString());
        using (var put = await PutAsync(ticket, bytes))
            Assert.True(put.IsSuccessStatusCode, $"PUT {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");

        var result = await FinishedAsync(client, stack.WebTier, ticket.Id);
        Assert.Equal("succeeded", result.GetProperty("status").GetString());
        Assert.Equal(expected.Index, result.GetProperty("labels")[0].GetProperty("index").GetInt32());
        Assert.Contains(await ListAsync(client, stack.WebTier), i => i.GetProperty("id").GetString() == ticket.Id && i.GetProperty("status").GetString() == "succeeded");
    }

    [Fact]
    public async Task Images_a_pipeline_writes_under_a_users_prefix_are_listed_for_that_user_bad_ones_failed_and_a_key_twice_is_one_job()
    {
        using var client = await stack.ClientForAsync("pipeline-" + Guid.NewGuid().ToString("N")[..8]);
        // The owner the user's images are stored under: from an upload's result.
        var warm = await TicketAsync(client, stack.WebTier, "image/jpeg", 1000);
        var owner = JsonDocument.Parse(await client.GetStringAsync(new Uri(stack.WebTier, $"v1/images/{warm.Id}"))).RootElement.GetProperty("owner").GetString()!;

        await using var aws = AwsClients.For(stack.Emulator);
        var s3 = aws.GetRequiredService<IAmazonS3>();
        var expected = Expected[6];
        var bomb = BadInputCases.Named("PNG bomb: IHDR claims 100000×100000, no image data");
        async Task WriteAsync(string key, byte[] bytes, string type) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "imagerec-input", Key = $"{owner}/{key}", InputStream = new MemoryStream(bytes), ContentType = type, UseChunkEncoding = false });
        await WriteAsync("holiday 1.jpg", TestImage(expected.File), "image/jpeg");
        await WriteAsync("holiday 1.jpg", TestImage(expected.File), "image/jpeg"); // the same key again
        await WriteAsync("bomb.png", bomb.Bytes(), "image/png");
        await WriteAsync("notes.jpg", "not an image at all"u8.ToArray(), "image/jpeg");

        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<JsonElement> mine;
        while (true)
        {
            mine = (await ListAsync(client, stack.WebTier)).Where(i => i.GetProperty("id").GetString() != warm.Id).ToList();
            if (mine.Count >= 3 && mine.All(i => i.GetProperty("status").GetString() is "succeeded" or "failed")) break;
            Assert.True(DateTime.UtcNow < deadline, "not listed and finished within 60 s: " + string.Join("; ", mine));
            await Task.Delay(300);
        }
        // One image per key, however many times it was written.
        Assert.Equal(3, mine.Count);
        var photo = Assert.Single(mine, i => i.TryGetProperty("fileName", out var name) && name.GetString() == "holiday 1.jpg");
        Assert.Equal(expected.Index, photo.GetProperty("labels")[0].GetProperty("index").GetInt32());
        var reasons = mine.Where(i => i.GetProperty("status").GetString() == "failed").Select(i => i.GetProperty("reason").GetString()).Order().ToArray();
        Assert.Equal(new[] { FailureReasons.TooManyPixels, FailureReasons.UnsupportedType }.Order(), reasons);
    }

    [Fact]
    public async Task An_expired_upload_url_is_refused()
    {
        // A web tier on the stack whose URLs live two seconds.
        await using var webTier = await WebTierProcess.StartAsync(new Dictionary<string, string>(stack.WebTierSettings()) { ["Uploads__PresignedUrlSeconds"] = "2" });
        using var client = await stack.ClientForAsync("expiry-" + Guid.NewGuid().ToString("N")[..8]);
        var bytes = TestImage(Expected[0].File);
        var ticket = await TicketAsync(client, webTier.BaseAddress, "image/jpeg", bytes.Length);

        await Task.Delay(TimeSpan.FromSeconds(4));
        using var put = await PutAsync(ticket, bytes);

        var body = await put.Content.ReadAsStringAsync();
        Assert.True(put.StatusCode == HttpStatusCode.Forbidden, $"{(int)put.StatusCode} {body} ({ticket.Url})");
        Assert.Contains("expired", body, StringComparison.OrdinalIgnoreCase);
    }
}
