using System.Net.Http.Headers;
using Amazon.S3;
using Amazon.SQS;
using ImageRec.Common.Aws;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.WebTier;
using ImageRec.WebTier.Storage;
using ImageRec.WebTier.Submission;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// Presigned uploads straight to S3 (<see cref="DirectUploads"/>, issue 13) against the real emulator, with the web tier's
/// own registration: the grant indexes the image as awaiting its upload and hands out a signed PUT of <c>{owner}/{id}</c>
/// that a plain HTTP client (no SDK) can store the image with; the sweeper sends the job of an upload whose bucket
/// event was lost, and drops the item of one that never came once its URL has expired, leaving younger ones alone.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class DirectUploadTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private const string Owner = "user-direct";
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan UrlLifetime = TimeSpan.FromSeconds(300);
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();
    private readonly IAmazonS3 _s3 = emulator.CreateS3Client();
    private readonly ShiftedTimeProvider _clock = new();
    private readonly string _inputBucket = AwsEmulatorFixture.UniqueName("input");
    private ServiceProvider _services = null!;
    private string _queueUrl = "";

    private DirectUploads Uploads => _services.GetRequiredService<DirectUploads>();
    private ImageIndex Index => _services.GetRequiredService<ImageIndex>();

    public async Task InitializeAsync()
    {
        await _s3.PutBucketAsync(_inputBucket);
        _queueUrl = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("requests"));
        var table = await IndexTable.CreateAsync(emulator.ServiceUrl, AwsEmulatorFixture.UniqueName("index"));
        var services = WebTierServices.For(emulator.ServiceUrl, new Dictionary<string, string?>
        {
            ["Queue:RequestQueue"] = _queueUrl,
            ["Storage:InputBucket"] = _inputBucket,
            ["Index:TableName"] = table,
            ["Sweeper:StalledAfter"] = StalledAfter.ToString(),
            // The default, spelt out: the test's times depend on it.
            ["Uploads:PresignedUrlSeconds"] = ((int)UrlLifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, _clock);
        services.AddTransient<StalledJobSweeper>();
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static byte[] Photo() => File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_15.jpg"));

    /// <summary>PUTs <paramref name="body"/> to the presigned URL as a browser or curl would: no SDK, no credentials.</summary>
    private static async Task<HttpResponseMessage> PutAsync(Uri url, byte[] body, string contentType)
    {
        using var http = new HttpClient();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await http.PutAsync(url, content);
    }

    private Task<List<RecognitionJob>> QueuedJobsAsync() => _sqs.ReceiveJobsAsync(_queueUrl);

    [Fact]
    public async Task A_grant_indexes_the_image_as_awaiting_and_signs_a_put_of_its_key_that_stores_the_image()
    {
        var before = DateTimeOffset.UtcNow;
        var grant = await Uploads.GrantAsync(Owner, "image/jpeg", 123_456, "holiday.jpg", default);

        Assert.Equal(7, Guid.ParseExact(grant.Id, "D").Version);
        // Whole seconds, at most a second before now + the lifetime.
        Assert.InRange(grant.ExpiresAt, before + UrlLifetime - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + UrlLifetime);
        Assert.Equal(0, grant.ExpiresAt.UtcTicks % TimeSpan.TicksPerSecond);
        // The emulator's endpoint, path-style: /{bucket}/{owner}/{id}, signed in the query (SigV4 query auth).
        Assert.Equal(emulator.ServiceUrl.GetLeftPart(UriPartial.Authority), grant.Url.GetLeftPart(UriPartial.Authority));
        Assert.Equal($"/{_inputBucket}/{Owner}/{grant.Id}", grant.Url.AbsolutePath);
        var query = QueryHelpers.ParseQuery(grant.Url.Query);
        Assert.False(string.IsNullOrEmpty(query["X-Amz-Signature"].ToString()));
        // Signed at the SDK's whole second (X-Amz-Date) for the whole seconds left until ExpiresAt: it ends when the client
        // is told, or up to a second before (the signing second may be the one after the grant's).
        var signedAt = DateTimeOffset.ParseExact(query["X-Amz-Date"].ToString(), "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
        var endsAt = signedAt.AddSeconds(int.Parse(query["X-Amz-Expires"].ToString(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(endsAt, grant.ExpiresAt - TimeSpan.FromSeconds(1), grant.ExpiresAt);
        Assert.Contains("content-type", query["X-Amz-SignedHeaders"].ToString().Split(';'));

        var item = await Index.GetAsync(Owner, grant.Id, default);
        Assert.NotNull(item);
        Assert.Equal(JobStatus.AwaitingUpload, item.Status);
        Assert.Equal(123_456, item.Size);
        Assert.Equal("holiday.jpg", item.FileName);
        // As the API shows it: awaiting its upload, listed with the owner's images.
        Assert.Equal(JobStatus.AwaitingUpload, (await _services.GetRequiredService<ImageCatalog>().GetAsync(Owner, grant.Id, default))!.Status);
        Assert.Contains((await Index.ListAsync(Owner, null, null, 100, default)).Items, i => i.Id == grant.Id);

        var photo = Photo();
        using (var put = await PutAsync(grant.Url, photo, grant.ContentType))
            Assert.True(put.IsSuccessStatusCode, $"PUT {grant.Url} answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        using var stored = await _s3.GetObjectAsync(_inputBucket, $"{Owner}/{grant.Id}");
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy);
        Assert.Equal(photo, copy.ToArray());
        Assert.Equal("image/jpeg", stored.Headers.ContentType);
        // The web tier sent no job: the bucket's event does.
        Assert.Empty(await QueuedJobsAsync());
    }

    [Fact]
    public async Task The_sweeper_sends_the_job_of_an_upload_whose_event_was_lost_once_its_url_expired_and_stalled_after_passed()
    {
        var grant = await Uploads.GrantAsync(Owner, "image/jpeg", 1000, "lost-event.jpg", default);
        var uploadedAt = (await Index.GetAsync(Owner, grant.Id, default))!.UploadedAt;
        using (var put = await PutAsync(grant.Url, Photo(), grant.ContentType)) put.EnsureSuccessStatusCode();
        var sweeper = _services.GetRequiredService<StalledJobSweeper>();

        // Past StalledAfter but within the URL's life plus StalledAfter: its event may still be coming.
        _clock.Shift = StalledAfter + TimeSpan.FromMinutes(1);
        Assert.Equal(0, await sweeper.SweepAsync(default));
        Assert.Empty(await QueuedJobsAsync());

        _clock.Shift = UrlLifetime + StalledAfter + TimeSpan.FromMinutes(1);
        Assert.Equal(1, await sweeper.SweepAsync(default));
        var job = Assert.Single(await QueuedJobsAsync());
        Assert.Equal(grant.Id, job.Id);
        Assert.Equal(Owner, job.Owner);
        Assert.Equal(new ObjectLocation(_inputBucket, $"{Owner}/{grant.Id}"), job.Input);
        Assert.Equal(uploadedAt, job.SubmittedAt);
        Assert.Equal("lost-event.jpg", job.FileName);
        Assert.Null(job.ReplyTo);
        // The item stays until the worker records the outcome.
        Assert.Equal(JobStatus.AwaitingUpload, (await Index.GetAsync(Owner, grant.Id, default))!.Status);
    }

    [Fact]
    public async Task The_sweeper_drops_the_item_of_an_upload_that_never_came_once_its_url_expired_and_stalled_after_passed()
    {
        var grant = await Uploads.GrantAsync(Owner, "image/png", 1000, null, default);
        var sweeper = _services.GetRequiredService<StalledJobSweeper>();

        _clock.Shift = UrlLifetime + StalledAfter - TimeSpan.FromMinutes(1);
        Assert.Equal(0, await sweeper.SweepAsync(default));
        Assert.NotNull(await Index.GetAsync(Owner, grant.Id, default));

        _clock.Shift = UrlLifetime + StalledAfter + TimeSpan.FromMinutes(1);
        Assert.Equal(0, await sweeper.SweepAsync(default));
        Assert.Null(await Index.GetAsync(Owner, grant.Id, default));
        Assert.Empty(await QueuedJobsAsync());
        Assert.DoesNotContain((await Index.ListAsync(Owner, null, null, 100, default)).Items, i => i.Id == grant.Id);
    }
}
