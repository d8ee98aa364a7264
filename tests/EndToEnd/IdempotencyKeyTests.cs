using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using ImageRec.Tests.Infrastructure;
using ImageRec.WebTier.Uploads;

namespace ImageRec.Tests.EndToEnd;

/// <summary>
/// <c>Idempotency-Key</c> on <c>POST /v1/images</c> on the stack `make run` starts: a retry with the key gets
/// the first attempt's job (never a second image), a key reused for another image is refused with 422, equal
/// keys of two users name two jobs, and a malformed key is refused with 400 before anything is stored.
/// Concurrent uploads with one key store and run one job: the create-only store picks one of them.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class IdempotencyKeyTests(LocalStackFixture stack)
{
    private static HttpRequestMessage Upload(string file, string? key, int wait = 30)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", file)));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var request = new HttpRequestMessage(HttpMethod.Post, $"v1/images?wait={wait}")
        {
            Content = new MultipartFormDataContent { { content, "image", file } },
        };
        if (key is not null) request.Headers.TryAddWithoutValidation(IdempotencyKey.Header, key);
        return request;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        request.RequestUri = new Uri(stack.WebTier, request.RequestUri!);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task<string[]> ListAsync(HttpClient client, Uri webTier)
    {
        var page = JsonDocument.Parse(await client.GetStringAsync(new Uri(webTier, "v1/images?limit=100"))).RootElement;
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
    }

    [Fact]
    public async Task A_retry_with_the_same_key_answers_for_the_first_upload_and_stores_nothing_twice()
    {
        using var carol = await stack.ClientForAsync("carol-idem");
        var key = $"\"{Guid.NewGuid()}\""; // the draft's structured-field string form

        var (firstStatus, first) = await SendAsync(carol, Upload("img_00.jpg", key));
        Assert.True(firstStatus == HttpStatusCode.OK, $"{(int)firstStatus} {first}\n{stack.Logs()}");
        var (againStatus, again) = await SendAsync(carol, Upload("img_00.jpg", key));
        Assert.True(againStatus == HttpStatusCode.OK, $"{(int)againStatus} {again}");

        var id = first.GetProperty("id").GetString()!;
        Assert.Equal(id, again.GetProperty("id").GetString());
        Assert.Equal("succeeded", again.GetProperty("status").GetString());
        Assert.Equal(first.GetProperty("completedAt").GetString(), again.GetProperty("completedAt").GetString());
        Assert.Equal([id], await ListAsync(carol, stack.WebTier));

        // The same key with another image is a client error, and changes nothing.
        var (reusedStatus, reused) = await SendAsync(carol, Upload("img_01.jpg", key));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reusedStatus);
        Assert.Equal("idempotency-key-reused", reused.GetProperty("reason").GetString());
        Assert.Equal([id], await ListAsync(carol, stack.WebTier));

        // Another user's equal key is another job.
        using var dave = await stack.ClientForAsync("dave-idem");
        var (daveStatus, daves) = await SendAsync(dave, Upload("img_01.jpg", key, wait: 0));
        Assert.Equal(HttpStatusCode.Accepted, daveStatus);
        Assert.NotEqual(id, daves.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Keyed_uploads_are_listed_newest_first_and_page_through_the_cursor()
    {
        // Ids from keys are name-based (UUIDv5), in no time order: the list orders by upload time.
        using var grace = await stack.ClientForAsync("grace-idem-order");
        var ids = new List<string>();
        foreach (var file in new[] { "img_00.jpg", "img_01.jpg", "img_02.jpg", "img_03.jpg" })
        {
            var (status, body) = await SendAsync(grace, Upload(file, Guid.NewGuid().ToString(), wait: 0));
            Assert.Equal(HttpStatusCode.Accepted, status);
            ids.Add(body.GetProperty("id").GetString()!);
        }
        ids.Reverse();

        Assert.Equal(ids, await ListAsync(grace, stack.WebTier));
        var paged = new List<string>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await grace.GetStringAsync(new Uri(stack.WebTier, "v1/images?limit=3" + (cursor is null ? "" : $"&cursor={cursor}")))).RootElement;
            paged.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);
        Assert.Equal(ids, paged);
    }

    [Fact]
    public async Task A_retry_of_a_queued_upload_answers_202_with_its_location()
    {
        using var erin = await stack.ClientForAsync("erin-idem");
        var key = Guid.NewGuid().ToString();
        var (status, first) = await SendAsync(erin, Upload("img_02.jpg", key, wait: 0));
        Assert.Equal(HttpStatusCode.Accepted, status);

        var request = Upload("img_02.jpg", key, wait: 0);
        request.RequestUri = new Uri(stack.WebTier, request.RequestUri!);
        using var retry = await erin.SendAsync(request);
        var body = JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement;
        var id = first.GetProperty("id").GetString();
        Assert.Equal(id, body.GetProperty("id").GetString());
        // The job may have finished in between: then the retry has its result at once.
        if (retry.StatusCode == HttpStatusCode.Accepted) Assert.EndsWith($"/v1/images/{id}", retry.Headers.Location!.ToString());
        else Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal([id!], await ListAsync(erin, stack.WebTier));
    }

    /// <summary>
    /// Jobs the web tier stored and queued (its store histogram's count), waits it ended with the job's reply, and
    /// jobs the running workers finished.
    /// </summary>
    private async Task<(double Queued, double Replied, double Finished)> JobCountsAsync()
    {
        var web = await stack.Http.GetStringAsync(new Uri(stack.WebTier, "metrics"));
        var workers = await LocalWorkers.ScrapeAsync(stack);
        return (LocalWorkers.Value(web, "imagerec_webtier_store_seconds_count"),
            LocalWorkers.Value(web, "imagerec_webtier_result_wait_seconds_count", ("via", "reply")),
            workers.Sum(w => LocalWorkers.Value(w.Metrics, "imagerec_worker_jobs_total")));
    }

    /// <summary>
    /// Waits for earlier tests' jobs to finish and the pool to be back at its minimum, so that the workers' count
    /// takes in no other job and no worker that did the job goes away with its count.
    /// </summary>
    private async Task WaitForSettledPoolAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var status = JsonDocument.Parse(await stack.Http.GetStringAsync(new Uri(stack.Operator, "status"))).RootElement.GetProperty("status");
            if (status.GetProperty("replicas").GetInt32() == LocalStackFixture.Workers && status.GetProperty("desiredReplicas").GetInt32() == LocalStackFixture.Workers) break;
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"the pool did not come back to its minimum: {status}");
            await Task.Delay(200);
        }
        Assert.Equal((0, 0, 0), await stack.WaitForEmptyQueueAsync(LocalStackFixture.RequestQueue));
    }

    [Fact]
    public async Task Concurrent_uploads_with_one_key_and_one_image_run_one_job_and_all_answer_with_it()
    {
        using var heidi = await stack.ClientForAsync("heidi-idem-race");
        var key = Guid.NewGuid().ToString();
        await WaitForSettledPoolAsync();
        var before = await JobCountsAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SendAsync(heidi, Upload("img_03.jpg", key)))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{(int)a.Status} {a.Body}\n{stack.Logs()}"));
        var id = answers[0].Body.GetProperty("id").GetString()!;
        Assert.All(answers, a => Assert.Equal(id, a.Body.GetProperty("id").GetString()));
        Assert.Single(answers.Select(a => a.Body.GetProperty("completedAt").GetString()).Distinct());
        Assert.Equal([id], await ListAsync(heidi, stack.WebTier));
        // Every job sent has been taken and finished before counting: a second copy would be counted too.
        Assert.Equal((0, 0, 0), await stack.WaitForEmptyQueueAsync(LocalStackFixture.RequestQueue));
        var after = await JobCountsAsync();
        Assert.Equal(1, after.Queued - before.Queued);
        Assert.Equal(1, after.Finished - before.Finished);
        // The one upload that sent the job waited for its reply, and got it (the others read the stored result).
        Assert.Equal(1, after.Replied - before.Replied);
    }

    [Fact]
    public async Task Concurrent_uploads_with_one_key_and_different_images_store_one_and_refuse_the_others_422()
    {
        using var ivan = await stack.ClientForAsync("ivan-idem-race");
        var key = Guid.NewGuid().ToString();
        var files = Enumerable.Range(0, 6).Select(i => $"img_{i:00}.jpg").ToArray();

        var answers = await Task.WhenAll(files.Select(file => Task.Run(() => SendAsync(ivan, Upload(file, key, wait: 0)))));

        var won = Assert.Single(Enumerable.Range(0, files.Length), i => answers[i].Status == HttpStatusCode.Accepted);
        Assert.All(answers.Where((_, i) => i != won), a =>
        {
            Assert.True(a.Status == HttpStatusCode.UnprocessableEntity, $"{(int)a.Status} {a.Body}");
            Assert.Equal("idempotency-key-reused", a.Body.GetProperty("reason").GetString());
        });
        var id = answers[won].Body.GetProperty("id").GetString()!;
        Assert.Equal([id], await ListAsync(ivan, stack.WebTier));
        var stored = await ivan.GetByteArrayAsync(new Uri(stack.WebTier, $"v1/images/{id}/content"));
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", files[won]))), SHA256.HashData(stored));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"\"")]
    [InlineData("tab\there")]
    public async Task An_invalid_key_is_refused_before_anything_is_stored(string key)
    {
        using var frank = await stack.ClientForAsync("frank-idem");
        var (status, body) = await SendAsync(frank, Upload("img_00.jpg", key, wait: 0));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid-idempotency-key", body.GetProperty("reason").GetString());
        Assert.Empty(await ListAsync(frank, stack.WebTier));
    }

    [Fact]
    public async Task A_key_longer_than_255_characters_is_refused()
    {
        using var frank = await stack.ClientForAsync("frank-idem");
        var (status, body) = await SendAsync(frank, Upload("img_00.jpg", new string('k', IdempotencyKey.MaxLength + 1), wait: 0));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid-idempotency-key", body.GetProperty("reason").GetString());
    }

    [Fact]
    public void Job_ids_are_version_5_uuids_of_owner_and_key()
    {
        var id = Guid.Parse(IdempotencyKey.JobId("user-alice", "k1"));
        Assert.Equal(5, id.Version);
        Assert.Equal(id.ToString(), IdempotencyKey.JobId("user-alice", "k1"));
        Assert.NotEqual(id.ToString(), IdempotencyKey.JobId("user-bob", "k1"));
        Assert.NotEqual(id.ToString(), IdempotencyKey.JobId("user-alice", "k2"));
    }
}
