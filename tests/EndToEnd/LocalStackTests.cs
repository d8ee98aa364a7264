using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageRec.Common.Observability;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.EndToEnd;

/// <summary>
/// The main job end to end on the stack `make run` starts: real emulator over HTTP, real worker
/// processes running the real model, the real web tier.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class LocalStackTests(LocalStackFixture stack)
{
    private static readonly IReadOnlyList<ExpectedLabel> Expected = ExpectedLabel.Load();

    private static MultipartFormDataContent ImageForm(string field, byte[] bytes, string fileName, string contentType = "image/jpeg")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, field, fileName } };
    }

    private static byte[] TestImage(string file) => File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", file));

    private string Context(HttpResponseMessage response, string body) =>
        $"{(int)response.StatusCode} {body}\n{stack.Logs()}";

    [Fact]
    public async Task All_test_images_uploaded_at_once_come_back_with_the_expected_top1()
    {
        var uploads = Expected.Select(async expected =>
        {
            using var response = await stack.Http.PostAsync(new Uri(stack.WebTier, "v1/images?wait=30"),
                ImageForm("image", TestImage(expected.File), expected.File));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, Context(response, body));
            return (expected, result: JsonDocument.Parse(body).RootElement.Clone());
        }).ToArray();

        foreach (var (expected, result) in await Task.WhenAll(uploads))
        {
            Assert.Equal("succeeded", result.GetProperty("status").GetString());
            var labels = result.GetProperty("labels").EnumerateArray().ToArray();
            Assert.Equal(5, labels.Length);
            Assert.True(expected.Index == labels[0].GetProperty("index").GetInt32(),
                $"{expected.File}: expected class {expected.Index} ({expected.Label}), got {labels[0]}");
            var scores = labels.Select(l => l.GetProperty("score").GetSingle()).ToArray();
            Assert.Equal(scores.OrderDescending(), scores);
            Assert.InRange(scores.Sum(), 0f, 1.0001f);
            Assert.Equal("mobilenetv2-12-int8", result.GetProperty("model").GetProperty("name").GetString());
            Assert.Equal(64, result.GetProperty("model").GetProperty("sha256").GetString()!.Length);
            var timings = result.GetProperty("timings");
            Assert.True(timings.GetProperty("inference").GetDouble() > 0);
            Assert.True(timings.GetProperty("decode").GetDouble() > 0);
            Assert.True(timings.GetProperty("queue").GetDouble() >= 0);
        }
    }

    [Fact]
    public async Task Course_harness_route_answers_name_colon_label_for_concurrent_posts()
    {
        var posts = Expected.Select(async expected =>
        {
            using var response = await stack.Http.PostAsync(stack.WebTier, ImageForm("inputFile", TestImage(expected.File), expected.File));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, Context(response, body));
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            return (expected, body);
        }).ToArray();

        foreach (var (expected, body) in await Task.WhenAll(posts))
            Assert.Equal($"{Path.GetFileNameWithoutExtension(expected.File)}:{expected.Label}", body);
    }

    [Fact]
    public async Task Upload_without_wait_is_accepted_and_its_result_can_be_polled()
    {
        var expected = Expected[3];
        using var response = await stack.Http.PostAsync(new Uri(stack.WebTier, "v1/images"), ImageForm("image", TestImage(expected.File), expected.File));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, Context(response, body));
        var accepted = JsonDocument.Parse(body).RootElement;
        var id = accepted.GetProperty("id").GetString()!;
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        Assert.NotNull(response.Headers.Location);
        Assert.Equal($"/v1/images/{id}", new Uri(stack.WebTier, response.Headers.Location).AbsolutePath);

        JsonElement result = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var poll = await stack.Http.GetAsync(new Uri(stack.WebTier, $"v1/images/{id}"));
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
            result = JsonDocument.Parse(await poll.Content.ReadAsStringAsync()).RootElement.Clone();
            if (result.GetProperty("status").GetString() != "queued") break;
            await Task.Delay(100);
        }
        Assert.Equal("succeeded", result.GetProperty("status").GetString());
        Assert.Equal(expected.Index, result.GetProperty("labels")[0].GetProperty("index").GetInt32());
    }

    [Theory]
    [InlineData("0190a8e2-7c1a-7000-8000-000000000000")]
    [InlineData("not-a-uuid")]
    public async Task Unknown_id_is_404_problem_json(string id)
    {
        using var response = await stack.Http.GetAsync(new Uri(stack.WebTier, $"v1/images/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Equal("not-found", problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_trace_context_of_the_upload_reaches_the_result()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(stack.WebTier, "v1/images?wait=30"))
        {
            Content = ImageForm("image", TestImage(Expected[2].File), Expected[2].File),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await stack.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Context(response, body));
        var traceparent = JsonDocument.Parse(body).RootElement.GetProperty("traceparent").GetString();
        Assert.Equal(traceId, ImageRec.Common.Observability.Tracing.TraceId(traceparent));
    }

    [Fact]
    public async Task Images_can_be_listed_newest_first_filtered_by_label_fetched_and_deleted()
    {
        // Three uploads, oldest first: robin (img_00), then two others.
        var uploaded = new List<string>();
        foreach (var expected in new[] { Expected[0], Expected[4], Expected[9] })
        {
            using var response = await stack.Http.PostAsync(new Uri(stack.WebTier, "v1/images?wait=30"), ImageForm("image", TestImage(expected.File), expected.File));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            uploaded.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        }

        async Task<(string[] Ids, string? Next)> ListAsync(string query)
        {
            var page = JsonDocument.Parse(await stack.Http.GetStringAsync(new Uri(stack.WebTier, "v1/images" + query))).RootElement;
            return (page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray(),
                page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null);
        }

        // Newest first (other tests' images may be interleaved; ours keep their order).
        var (all, _) = await ListAsync("?limit=100");
        Assert.Equal(uploaded.AsEnumerable().Reverse(), all.Where(uploaded.Contains));

        // Label filter: the robin is there, the others are not.
        var (robins, _) = await ListAsync("?label=Robin&limit=100");
        Assert.Contains(uploaded[0], robins);
        Assert.DoesNotContain(uploaded[1], robins);

        // Pages of one follow each other through the cursor.
        var (first, cursor) = await ListAsync("?limit=1");
        var (second, _) = await ListAsync($"?limit=1&cursor={cursor}");
        Assert.Equal(all[..2], first.Concat(second));

        // The stored image comes back byte for byte.
        using (var content = await stack.Http.GetAsync(new Uri(stack.WebTier, $"v1/images/{uploaded[1]}/content")))
        {
            Assert.Equal(HttpStatusCode.OK, content.StatusCode);
            Assert.Equal("image/jpeg", content.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TestImage(Expected[4].File), await content.Content.ReadAsByteArrayAsync());
        }

        // Delete takes image and result away; deleting again changes nothing and says there is no such image.
        using (var deleted = await stack.Http.DeleteAsync(new Uri(stack.WebTier, $"v1/images/{uploaded[1]}")))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var again = await stack.Http.DeleteAsync(new Uri(stack.WebTier, $"v1/images/{uploaded[1]}")))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using (var gone = await stack.Http.GetAsync(new Uri(stack.WebTier, $"v1/images/{uploaded[1]}")))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using (var goneContent = await stack.Http.GetAsync(new Uri(stack.WebTier, $"v1/images/{uploaded[1]}/content")))
            Assert.Equal(HttpStatusCode.NotFound, goneContent.StatusCode);
        Assert.DoesNotContain(uploaded[1], (await ListAsync("?limit=100")).Ids);

        using var badLimit = await stack.Http.GetAsync(new Uri(stack.WebTier, "v1/images?limit=1000"));
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Every_service_offers_health_readiness_and_metrics()
    {
        var services = new[] { stack.WebTier }
            .Concat(Enumerable.Range(0, LocalStackFixture.Workers).Select(i => new Uri($"http://127.0.0.1:{stack.FirstWorkerPort + i}/")));
        foreach (var service in services)
        {
            foreach (var path in new[] { "healthz", "readyz" })
            {
                using var health = await stack.Http.GetAsync(new Uri(service, path));
                Assert.True(health.StatusCode == HttpStatusCode.OK, $"{service}{path}: {(int)health.StatusCode}");
            }
            using var metrics = await stack.Http.GetAsync(new Uri(service, "metrics"));
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        }

        await PostOne();
        var webMetrics = PrometheusExposition.Parse(await stack.Http.GetStringAsync(new Uri(stack.WebTier, "metrics")));
        Assert.Equal("counter", webMetrics.Types["imagerec_webtier_uploads_total"]);
        Assert.NotEmpty(webMetrics.Series("imagerec_webtier_uploads_total", ("outcome", "accepted")));
        Assert.NotEmpty(webMetrics.Series("imagerec_webtier_result_wait_seconds_bucket", ("via", "reply")));

        // Some worker ran that job: its counters and latency histograms show it.
        var workerMetrics = (await Task.WhenAll(Enumerable.Range(0, LocalStackFixture.Workers)
            .Select(i => stack.Http.GetStringAsync(new Uri($"http://127.0.0.1:{stack.FirstWorkerPort + i}/metrics"))))).Select(PrometheusExposition.Parse);
        Assert.Contains(workerMetrics, m => m.Series("imagerec_worker_jobs_total", ("status", "succeeded")).Any()
            && m.Types.GetValueOrDefault("imagerec_worker_inference_seconds") == "histogram" && m.Series("imagerec_worker_batch_size_bucket").Any());
    }

    private async Task PostOne()
    {
        using var response = await stack.Http.PostAsync(new Uri(stack.WebTier, "v1/images?wait=30"), ImageForm("image", TestImage(Expected[1].File), Expected[1].File));
        response.EnsureSuccessStatusCode();
    }
}
