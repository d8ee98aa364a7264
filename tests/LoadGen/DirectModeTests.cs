using System.Collections.Concurrent;
using System.Net;
using ImageRec.LoadGen;
using ImageRec.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ExpectedLabel = ImageRec.LoadGen.ExpectedLabel;

namespace ImageRec.Tests.LoadGen;

/// <summary>
/// The direct modes (presigned uploads straight to S3, issue 13): parsed and named as the report writes them, and run
/// over real HTTP against a fake web tier whose presigned URLs point at a fake bucket on the same server: each image is
/// granted, PUT with the granted headers and no bearer token, and (direct) read with <c>?wait=</c> until it finishes, its
/// label checked; direct-upload stops after the PUT.
/// </summary>
public sealed class DirectModeTests
{
    private static readonly ExpectedLabel Robin = new("img_00.jpg", "robin", 15);

    [Theory]
    [InlineData("direct", LoadMode.Direct)]
    [InlineData("direct-upload", LoadMode.DirectUpload)]
    [InlineData("DIRECT", LoadMode.Direct)]
    public void The_direct_modes_parse_and_report_under_their_names(string name, LoadMode mode)
    {
        var options = LoadGenOptions.Parse(["--images", "x", "--mode", name, "--count", "4", "--concurrency", "2"]);
        Assert.Equal(mode, options.Mode);
        Assert.Equal(name.ToLowerInvariant(), mode.Name());
        var report = Report.From(new RunResult([new(0, "a.jpg", 10, Outcome.Ok)], 4, 1.0, false), options);
        Assert.StartsWith($"loadgen mode={name.ToLowerInvariant()} images=4 concurrency=2 ok=1 wrong=0 errors=0 ", report.MachineLine(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_presigned_upload_answer_is_read_or_refused()
    {
        var (upload, _) = AnswerChecker.ReadPresignedUpload(HttpStatusCode.Created,
            """{"id":"abc","url":"http://s3.local/b/k?X-Amz-Signature=s","method":"PUT","headers":{"Content-Type":"image/png"},"expiresAt":"2030-01-01T00:00:00Z"}""");
        Assert.Equal(("abc", new Uri("http://s3.local/b/k?X-Amz-Signature=s"), "PUT"), (upload!.Id, upload.Url, upload.Method));
        Assert.Equal("image/png", upload.Headers["Content-Type"]);
        Assert.Equal(Outcome.Error("http-400", """{"reason":"file-too-large"}"""),
            AnswerChecker.ReadPresignedUpload(HttpStatusCode.BadRequest, """{"reason":"file-too-large"}""").Error);
        Assert.Equal("bad-body", AnswerChecker.ReadPresignedUpload(HttpStatusCode.Created, """{"id":"abc"}""").Error.ErrorKind);
    }

    /// <summary>A web tier with POST /v1/uploads and GET /v1/images/{id}, and a bucket at /bucket/{id} taking signed PUTs.</summary>
    private sealed class FakeStack
    {
        public readonly ConcurrentDictionary<string, (string ContentType, int Length)> Stored = new();
        public readonly ConcurrentDictionary<string, int> Reads = new();
        public int AuthorizedPuts;

        public Task<LoopbackApp> StartAsync(int label) => LoopbackApp.StartAsync(_ => { }, app =>
        {
            app.MapPost("/v1/uploads", async (HttpRequest request) =>
            {
                if (request.Headers.Authorization.ToString() != "Bearer t") return Results.Unauthorized();
                using var body = await System.Text.Json.JsonDocument.ParseAsync(request.Body);
                var type = body.RootElement.GetProperty("contentType").GetString();
                var id = Guid.NewGuid().ToString();
                var url = $"{request.Scheme}://{request.Host}/bucket/{id}?X-Amz-Signature=abc";
                return Results.Json(new { id, url, method = "PUT", headers = new Dictionary<string, string> { ["Content-Type"] = type! }, expiresAt = DateTimeOffset.UtcNow.AddMinutes(5) },
                    statusCode: 201);
            });
            app.MapPut("/bucket/{id}", async (string id, HttpRequest request) =>
            {
                if (request.Headers.Authorization.Count > 0) Interlocked.Increment(ref AuthorizedPuts);
                using var copy = new MemoryStream();
                await request.Body.CopyToAsync(copy);
                Stored[id] = (request.ContentType ?? "", (int)copy.Length);
                return Results.Ok();
            });
            app.MapGet("/v1/images/{id}", (string id, string? wait) =>
            {
                // Awaiting until stored; then queued for one read, then succeeded.
                var reads = Reads.AddOrUpdate(id, 1, (_, n) => n + 1);
                var status = !Stored.ContainsKey(id) ? "awaiting-upload" : reads < 2 ? "queued" : "succeeded";
                return Results.Json(new { id, status, labels = status == "succeeded" ? new[] { new { index = label, label = "x", score = 0.9 } } : [] });
            });
        });
    }

    [Theory]
    [InlineData(15, 1, 0)]
    [InlineData(10, 0, 1)]
    public async Task Direct_grants_puts_and_reads_each_image_until_it_is_finished_and_checks_its_label(int label, int ok, int wrong)
    {
        var stack = new FakeStack();
        await using var server = await stack.StartAsync(label);
        var options = LoadGenOptions.Parse(["--url", server.Address.ToString(), "--images", "x", "--mode", "direct", "--count", "3", "--concurrency", "3", "--wait", "1", "--token", "t"]);
        using var client = LoadRunner.CreateClient(options);
        var runner = new LoadRunner(client, options, [new ImageFile("img_00.jpg", [0xFF, 0xD8, 0xFF, 0xE0])],
            new Dictionary<string, ExpectedLabel> { ["img_00.jpg"] = Robin });

        var run = await runner.RunAsync(CancellationToken.None);

        Assert.Equal(3, run.Records.Count);
        Assert.Equal(3 * ok, run.Records.Count(r => r.Outcome == Outcome.Ok));
        Assert.Equal(3 * wrong, run.Records.Count(r => r.Outcome.Verdict == Verdict.Wrong));
        Assert.Equal(3, stack.Stored.Count);
        Assert.All(stack.Stored.Values, s => Assert.Equal(("image/jpeg", 4), s));
        Assert.Equal(0, stack.AuthorizedPuts); // the bearer token stays with the web tier
        Assert.All(stack.Reads.Values, n => Assert.Equal(2, n));
    }

    [Fact]
    public async Task Direct_upload_stops_after_the_put()
    {
        var stack = new FakeStack();
        await using var server = await stack.StartAsync(15);
        var options = LoadGenOptions.Parse(["--url", server.Address.ToString(), "--images", "x", "--mode", "direct-upload", "--count", "4", "--concurrency", "2", "--token", "t"]);
        using var client = LoadRunner.CreateClient(options);
        var runner = new LoadRunner(client, options, [new ImageFile("a.png", [0x89, 0x50])], expected: null);

        var run = await runner.RunAsync(CancellationToken.None);

        Assert.All(run.Records, r => Assert.Equal(Outcome.Ok, r.Outcome));
        Assert.Equal(4, run.Records.Count);
        Assert.All(stack.Stored.Values, s => Assert.Equal(("image/png", 2), s));
        Assert.Empty(stack.Reads);
    }

    [Fact]
    public async Task A_refused_grant_is_an_error_of_its_status_and_nothing_is_put()
    {
        var stack = new FakeStack();
        await using var server = await stack.StartAsync(15);
        var options = LoadGenOptions.Parse(["--url", server.Address.ToString(), "--images", "x", "--mode", "direct", "--count", "2", "--concurrency", "2"]);
        using var client = LoadRunner.CreateClient(options);
        var runner = new LoadRunner(client, options, [new ImageFile("a.jpg", [0xFF])], expected: null);

        var run = await runner.RunAsync(CancellationToken.None);

        Assert.All(run.Records, r => Assert.Equal("http-401", r.Outcome.ErrorKind));
        Assert.Empty(stack.Stored);
    }
}
