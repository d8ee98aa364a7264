using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Aws;
using Amazon.SQS;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.Common.Index;
using ImageRec.WebTier;
using ImageRec.WebTier.Submission;
using ImageRec.WebTier.Uploads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// The web tier's submission path against the real emulator (S3, the DynamoDB index, SQS), with a fault proxy in
/// between: an upload becomes an indexed job whose id the caller gets, or it is refused and leaves nothing behind;
/// once a job is queued the caller hears so, whatever else fails.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class JobSubmitterTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private const string Owner = "tester";
    private readonly IAmazonS3 _directS3 = emulator.CreateS3Client();
    private readonly IAmazonSQS _directSqs = emulator.CreateSqsClient();
    private readonly StorageOptions _storage = new() { InputBucket = AwsEmulatorFixture.UniqueName("input"), ResultBucket = AwsEmulatorFixture.UniqueName("results") };
    private FaultProxy _proxy = null!;
    private ServiceProvider _services = null!;
    private string _queueUrl = "";
    private string _table = "";

    private JobSubmitter Submitter => _services.GetRequiredService<JobSubmitter>();
    private ImageIndex Index => _services.GetRequiredService<ImageIndex>();

    public async Task InitializeAsync()
    {
        await _directS3.PutBucketAsync(_storage.InputBucket);
        await _directS3.PutBucketAsync(_storage.ResultBucket);
        _queueUrl = await _directSqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("requests"));
        _table = await IndexTable.CreateAsync(emulator.ServiceUrl, AwsEmulatorFixture.UniqueName("index"));
        _proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        var services = WebTierServices.For(_proxy.Address, new Dictionary<string, string?>
        {
            ["Queue:RequestQueue"] = _queueUrl,
            ["Storage:InputBucket"] = _storage.InputBucket,
            ["Storage:ResultBucket"] = _storage.ResultBucket,
            ["Index:TableName"] = _table,
        });
        // The web tier's S3 client without its retries, so an injected failure arrives at once.
        _services = services.AddSingleton<IAmazonS3>(AwsClients.S3WithoutRetries(_proxy.Address)).BuildServiceProvider();
        await _services.GetRequiredService<ReplyQueue>().StartAsync(CancellationToken.None);
        await _services.GetRequiredService<AbandonedUploads>().StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.GetRequiredService<AbandonedUploads>().StopAsync(CancellationToken.None);
        await _services.GetRequiredService<ReplyQueue>().StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private static UploadedImage Image()
    {
        var bytes = File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_00.jpg"));
        Assert.True(ImageHeaderReader.TryRead(bytes, out var header));
        return new UploadedImage("img_00.jpg", bytes, bytes.Length, header);
    }

    private async Task<int> StoredImagesAsync() =>
        (await _directS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _storage.InputBucket, Prefix = Owner + "/" })).S3Objects?.Count ?? 0;

    private Task<long> QueuedJobsAsync() => _directSqs.CountAsync(_queueUrl, QueueAttributeName.ApproximateNumberOfMessages);

    private async Task<IReadOnlyList<IndexedImage>> IndexedAsync() => (await Index.ListAsync(Owner, null, null, 100, CancellationToken.None)).Items;

    [Fact]
    public async Task An_upload_is_indexed_as_queued_with_what_the_sweeper_and_a_rebuild_need()
    {
        var image = Image();
        var result = await Submitter.SubmitAsync(Owner, image, TimeSpan.Zero, CancellationToken.None);

        var indexed = Assert.Single(await IndexedAsync());
        Assert.Equal((result.Id, JobStatus.Queued, "img_00.jpg", (long?)image.Length, image.ContentSha256()),
            (indexed.Id, indexed.Status, indexed.FileName, indexed.Size, indexed.ContentSha256));
        Assert.NotNull(indexed.Traceparent);
        Assert.Equal(1, await QueuedJobsAsync());
    }

    [Fact]
    public async Task An_upload_the_index_cannot_take_is_refused_as_transient_and_leaves_nothing_behind()
    {
        _proxy.Targets = AwsErrorResponses.IsDynamoDb;
        _proxy.Mode = FaultMode.Errors;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Submitter.SubmitAsync(Owner, Image(), TimeSpan.Zero, CancellationToken.None));
        // What DependencyFailureHandler answers 503 + Retry-After for.
        Assert.True(TransientAwsErrors.IsTransient(error, CancellationToken.None), error.ToString());
        Assert.Equal(0, await QueuedJobsAsync());

        // The image stored before the index failed is taken away in the background, once the index answers again.
        _proxy.Mode = FaultMode.PassThrough;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await StoredImagesAsync() > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(0, await StoredImagesAsync());
        Assert.Empty(await IndexedAsync());
    }

    [Fact]
    public async Task A_keyed_upload_the_index_refused_is_indexed_and_queued_by_its_retry()
    {
        var key = Guid.NewGuid().ToString();
        _proxy.Targets = AwsErrorResponses.IsDynamoDb;
        _proxy.Mode = FaultMode.Errors;
        await Assert.ThrowsAnyAsync<Exception>(() => Submitter.SubmitOnceAsync(Owner, Image(), key, TimeSpan.Zero, CancellationToken.None));
        // The keyed image stays for its retry (removing it could race that retry); nothing was queued.
        Assert.Equal(1, await StoredImagesAsync());
        Assert.Equal(0, await QueuedJobsAsync());

        _proxy.Mode = FaultMode.PassThrough;
        var (result, rejection) = await Submitter.SubmitOnceAsync(Owner, Image(), key, TimeSpan.Zero, CancellationToken.None);

        Assert.Null(rejection);
        Assert.Equal(IdempotencyKey.JobId(Owner, key), result!.Id);
        Assert.Equal(result.Id, Assert.Single(await IndexedAsync()).Id);
        Assert.Equal(1, await QueuedJobsAsync());
        // A third attempt answers for the same job and queues nothing more.
        await Submitter.SubmitOnceAsync(Owner, Image(), key, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(1, await QueuedJobsAsync());
    }

    [Fact]
    public async Task An_upload_whose_job_cannot_be_queued_is_refused_and_its_stored_image_removed()
    {
        _proxy.Targets = AwsErrorResponses.IsSqs;
        _proxy.Mode = FaultMode.Errors;

        await Assert.ThrowsAsync<AmazonSQSException>(() => Submitter.SubmitAsync(Owner, Image(), TimeSpan.Zero, CancellationToken.None));

        // The image was stored before the enqueue failed; it is taken away in the background.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await StoredImagesAsync() > 0 || (await IndexedAsync()).Count > 0) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(0, await StoredImagesAsync());
        Assert.Empty(await IndexedAsync());
        Assert.Equal(0, await QueuedJobsAsync());
    }

    [Theory]
    [InlineData("503 SlowDown")]
    // Refused for good, as S3 answers a missing key to a role without s3:ListBucket: still no reason to upload again.
    [InlineData("403 AccessDenied")]
    public async Task A_queued_job_whose_result_cannot_be_read_in_time_is_answered_queued_not_an_error(string failure)
    {
        // Stores (PUT) and SQS (POST) work; reading the result back (GET) fails.
        _proxy.Targets = request => HttpMethods.IsGet(request.Method);
        _proxy.ErrorResponse = failure == "403 AccessDenied" ? AwsErrorResponses.WriteAccessDeniedAsync : AwsErrorResponses.WriteServiceUnavailableAsync;
        _proxy.Mode = FaultMode.Errors;

        // No worker runs: the reply never comes, and after the wait the result lookup fails.
        var result = await Submitter.SubmitAsync(Owner, Image(), TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(JobStatus.Queued, result.Status);
        Assert.True(_proxy.Faulted >= 1, "the result lookup met the failure");
        Assert.Equal(1, await QueuedJobsAsync());
        Assert.Equal(1, await StoredImagesAsync());
        Assert.Single(await IndexedAsync());
    }

    /// <summary>The keyed uploads' create-only stores (<c>If-None-Match: *</c>).</summary>
    private static bool IsCreateOnlyStore(HttpRequest request) => HttpMethods.IsPut(request.Method) && request.Headers.IfNoneMatch == "*";

    [Fact]
    public async Task Concurrent_uploads_with_one_key_store_and_queue_one_job_and_all_name_it()
    {
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => Submitter.SubmitOnceAsync(Owner, Image(), key, TimeSpan.Zero, CancellationToken.None))));

        Assert.All(answers, a => Assert.Null(a.Rejection));
        Assert.Single(answers.Select(a => a.Result!.Id).Distinct());
        Assert.Equal(IdempotencyKey.JobId(Owner, key), answers[0].Result!.Id);
        // No worker runs here: the queue holds every job that was sent.
        Assert.Equal(1, await QueuedJobsAsync());
        Assert.Equal(1, await StoredImagesAsync());
    }

    [Fact]
    public async Task A_keyed_upload_whose_store_conflicts_with_another_write_tries_again_and_submits()
    {
        var conflicts = 0;
        _proxy.Targets = request => IsCreateOnlyStore(request) && Interlocked.Increment(ref conflicts) == 1;
        _proxy.Mode = FaultMode.ConditionalConflict;

        var (result, rejection) = await Submitter.SubmitOnceAsync(Owner, Image(), Guid.NewGuid().ToString(), TimeSpan.Zero, CancellationToken.None);

        Assert.Null(rejection);
        Assert.Equal(JobStatus.Queued, result!.Status);
        Assert.Equal(1, _proxy.Faulted);
        Assert.Equal(1, await QueuedJobsAsync());
        Assert.Equal(1, await StoredImagesAsync());
    }

    [Fact]
    public async Task A_keyed_upload_whose_store_keeps_conflicting_is_refused_409_and_leaves_nothing()
    {
        _proxy.Targets = IsCreateOnlyStore;
        _proxy.Mode = FaultMode.ConditionalConflict;

        var (result, rejection) = await Submitter.SubmitOnceAsync(Owner, Image(), Guid.NewGuid().ToString(), TimeSpan.Zero, CancellationToken.None);

        Assert.Null(result);
        Assert.Equal(StatusCodes.Status409Conflict, rejection!.Status);
        Assert.Equal("idempotency-key-in-use", rejection.Reason);
        Assert.Equal(3, _proxy.Faulted);
        Assert.Equal(0, await QueuedJobsAsync());
        Assert.Equal(0, await StoredImagesAsync());
        Assert.Empty(await IndexedAsync());
    }
}
