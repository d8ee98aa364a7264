using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.WebTier.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// The sweeper against the real emulator, its clock moved forward instead of waited for: an input stored
/// without a job (its upload cut off before the enqueue) has its job queued again, rebuilt from the input's
/// metadata; an input with a result, and one younger than <see cref="SweeperOptions.StalledAfter"/>, are left
/// alone; a sweep S3 refuses for good (403) is logged and the loop sweeps again on its next tick. That a job
/// queued twice runs once is the worker's JobBatchProcessorTests (A_job_finished_before_keeps_its_result_and_is_replied_again,
/// with a copy delivered once).
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class StalledJobSweeperTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private const string Owner = "user-sweeper";
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(5);
    private readonly IAmazonS3 _s3 = emulator.CreateS3Client();
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();
    private readonly StorageOptions _storage = new() { InputBucket = AwsEmulatorFixture.UniqueName("input"), ResultBucket = AwsEmulatorFixture.UniqueName("results") };
    private readonly ShiftedTimeProvider _clock = new();
    private ServiceProvider _services = null!;
    private string _queueUrl = "";

    public async Task InitializeAsync()
    {
        await _s3.PutBucketAsync(_storage.InputBucket);
        await _s3.PutBucketAsync(_storage.ResultBucket);
        _queueUrl = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("requests"));
        _services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton(_s3)
            .AddSingleton(_sqs)
            .AddSingleton<TimeProvider>(_clock)
            .Configure<QueueOptions>(o => o.RequestQueue = _queueUrl)
            .Configure<StorageOptions>(o => { o.InputBucket = _storage.InputBucket; o.ResultBucket = _storage.ResultBucket; })
            .Configure<SweeperOptions>(o => o.StalledAfter = StalledAfter)
            .AddSingleton<WebTierMetrics>()
            .AddSingleton<RequestQueue>()
            .AddTransient<StalledJobSweeper>()
            .BuildServiceProvider();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private async Task<RecognitionJob> StoreInputAsync(string file)
    {
        var id = Guid.CreateVersion7().ToString();
        var job = new RecognitionJob
        {
            Id = id, Owner = Owner, Input = new ObjectLocation(_storage.InputBucket, StorageOptions.InputKey(Owner, id)),
            SubmittedAt = DateTimeOffset.UtcNow, Traceparent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01", FileName = file,
        };
        var put = new PutObjectRequest
        {
            BucketName = job.Input.Bucket, Key = job.Input.Key, UseChunkEncoding = false,
            InputStream = new MemoryStream(File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", file))),
        };
        StoredInput.Describe(put.Metadata, job, "0123abcd");
        await _s3.PutObjectAsync(put);
        return job;
    }

    private async Task<List<RecognitionJob>> QueuedJobsAsync()
    {
        var jobs = new List<RecognitionJob>();
        while (await _sqs.ReceiveAsync(_queueUrl, waitSeconds: 1) is { Count: > 0 } messages)
            jobs.AddRange(messages.Select(m => ContractSerializer.ParseJob(m.Body)));
        return jobs;
    }

    [Fact]
    public async Task An_old_input_without_a_result_has_its_job_queued_again_and_nothing_else_is_touched()
    {
        var stalled = await StoreInputAsync("img_00.jpg");
        var finished = await StoreInputAsync("img_01.jpg");
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _storage.ResultBucket, Key = StorageOptions.ResultKey(Owner, finished.Id),
            ContentBody = ContractSerializer.Serialize(new RecognitionResult { Id = finished.Id, Owner = Owner, Status = JobStatus.Succeeded }),
        });

        // Now every input is fresh: none is stalled yet.
        Assert.Equal(0, await _services.GetRequiredService<StalledJobSweeper>().SweepAsync(CancellationToken.None));
        Assert.Empty(await QueuedJobsAsync());

        _clock.Shift = StalledAfter + TimeSpan.FromMinutes(1);
        Assert.Equal(1, await _services.GetRequiredService<StalledJobSweeper>().SweepAsync(CancellationToken.None));

        var job = Assert.Single(await QueuedJobsAsync());
        Assert.Equal(stalled with { SubmittedAt = job.SubmittedAt }, job);
        Assert.Equal(stalled.SubmittedAt.ToUnixTimeMilliseconds(), job.SubmittedAt.ToUnixTimeMilliseconds());
        Assert.Null(job.ReplyTo); // nobody waits for it any more
    }

    [Fact]
    public async Task Replicas_sweeping_together_may_queue_a_job_twice_and_none_once_its_result_is_stored()
    {
        var stalled = await StoreInputAsync("img_02.jpg");
        _clock.Shift = StalledAfter + TimeSpan.FromMinutes(1);

        // Two replicas: two sweepers, each with its own memory of what it queued again.
        var replicas = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<StalledJobSweeper>(_services)).ToArray();
        var sweeps = await Task.WhenAll(replicas.Select(r => r.SweepAsync(CancellationToken.None)));
        Assert.Equal([1, 1], sweeps);
        Assert.All(await QueuedJobsAsync(), j => Assert.Equal(stalled.Id, j.Id));

        // A worker ran one copy (the other it skips, its result being stored): the next sweep leaves it alone.
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _storage.ResultBucket, Key = StorageOptions.ResultKey(Owner, stalled.Id),
            ContentBody = ContractSerializer.Serialize(new RecognitionResult { Id = stalled.Id, Owner = Owner, Status = JobStatus.Succeeded }),
        });
        Assert.Equal(0, await _services.GetRequiredService<StalledJobSweeper>().SweepAsync(CancellationToken.None));
        Assert.Empty(await QueuedJobsAsync());
    }

    [Fact]
    public async Task A_replica_queues_a_stalled_job_again_once_per_stalled_after_not_on_every_sweep()
    {
        var stalled = await StoreInputAsync("img_03.jpg");
        var sweeper = ActivatorUtilities.CreateInstance<StalledJobSweeper>(_services);
        _clock.Shift = StalledAfter + TimeSpan.FromMinutes(1);
        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));

        // A minute later its copy still waits in a long queue: no second copy.
        _clock.Shift += TimeSpan.FromMinutes(1);
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));

        // Still no result a whole StalledAfter later: that copy was lost too, so one more.
        _clock.Shift += StalledAfter;
        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));
        Assert.All(await QueuedJobsAsync(), j => Assert.Equal(stalled.Id, j.Id));
    }

    [Fact]
    public async Task A_sweep_refused_for_good_is_logged_and_the_next_tick_sweeps_again()
    {
        var stalled = await StoreInputAsync("img_04.jpg");
        _clock.Shift = StalledAfter + TimeSpan.FromMinutes(1);
        // The first listing of a bucket is refused as S3 refuses a role without s3:ListBucket; the rest pass.
        await using var proxy = await FaultProxy.FailingFirstAsync(emulator.ServiceUrl,
            request => request.Query.ContainsKey("list-type"), AwsErrorResponses.WriteAccessDeniedAsync);
        using var s3 = AwsClients.S3WithoutRetries(proxy.Address);
        var log = new RecordingLogger();
        using var sweeper = ActivatorUtilities.CreateInstance<StalledJobSweeper>(_services, s3,
            Options.Create(new SweeperOptions { StalledAfter = StalledAfter, Interval = TimeSpan.FromMilliseconds(100) }),
            new Logger<StalledJobSweeper>(new RecordingLoggerFactory(log)));

        // The hosted loop, as the web tier runs it: until the job is queued again, or the loop ends (bounded either way).
        await sweeper.StartAsync(CancellationToken.None);
        var queued = new List<RecognitionJob>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (queued.Count == 0 && !sweeper.ExecuteTask!.IsCompleted && DateTime.UtcNow < deadline)
            queued.AddRange(await QueuedJobsAsync());
        var ended = sweeper.ExecuteTask!.IsCompleted;
        var endedBy = sweeper.ExecuteTask.Exception?.InnerException;
        await sweeper.StopAsync(CancellationToken.None);

        // Unhandled, the refusal would have ended the loop, and with it the web tier (BackgroundServiceExceptionBehavior.StopHost).
        Assert.False(ended, $"the sweep loop ended: {endedBy?.GetType().Name} {endedBy?.Message}");
        Assert.Equal(1, proxy.Faulted);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && Equals(e.Values.GetValueOrDefault("ErrorCode"), "AccessDenied"));
        Assert.Equal(stalled.Id, Assert.Single(queued).Id);
    }
}
