using Amazon.SQS;
using ImageRec.Common.Aws;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.WebTier;
using ImageRec.WebTier.Submission;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// The sweeper against the real emulator, its clock moved forward instead of waited for: an image indexed as
/// queued without a job (its upload cut off before the enqueue) has its job queued again, rebuilt from its index
/// item; a finished image, and one younger than <see cref="SweeperOptions.StalledAfter"/>, are left alone; a sweep
/// the index refuses for good (AccessDenied) is logged and the loop sweeps again on its next tick. That a job
/// queued twice runs once is the worker's JobBatchProcessorTests (A_job_finished_before_keeps_its_result_and_is_replied_again,
/// with a copy delivered once).
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class StalledJobSweeperTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private const string Owner = "user-sweeper";
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(5);
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();
    private readonly ShiftedTimeProvider _clock = new();
    private ServiceProvider _services = null!;
    private string _queueUrl = "";
    private string _table = "";

    private ImageIndex Index => _services.GetRequiredService<ImageIndex>();

    public async Task InitializeAsync()
    {
        _queueUrl = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("requests"));
        _table = await IndexTable.CreateAsync(emulator.ServiceUrl, AwsEmulatorFixture.UniqueName("index"));
        _services = Services(emulator.ServiceUrl).BuildServiceProvider();
    }

    /// <summary>The web tier's services, reaching AWS at <paramref name="endpoint"/>.</summary>
    private ServiceCollection Services(Uri endpoint)
    {
        var services = WebTierServices.For(endpoint, new Dictionary<string, string?>
        {
            ["Queue:RequestQueue"] = _queueUrl,
            ["Index:TableName"] = _table,
            ["Sweeper:StalledAfter"] = StalledAfter.ToString(),
            ["Sweeper:Interval"] = "00:00:00.1",
        }, _clock);
        services.AddTransient<StalledJobSweeper>();
        return services;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    /// <summary>An upload indexed as queued whose job never reached the queue.</summary>
    private async Task<RecognitionJob> IndexQueuedAsync(string file)
    {
        var id = Guid.CreateVersion7().ToString();
        var job = new RecognitionJob
        {
            Id = id, Owner = Owner, Input = new ObjectLocation("imagerec-input", $"{Owner}/{id}"),
            SubmittedAt = DateTimeOffset.UtcNow, Traceparent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01", FileName = file,
        };
        Assert.True(await Index.AddAsync(IndexedImage.Queued(job, 1234, "0123abcd"), default));
        return job;
    }

    private Task FinishAsync(RecognitionJob job) =>
        Index.CompleteAsync(new RecognitionResult { Id = job.Id, Owner = Owner, Status = JobStatus.Succeeded, Labels = [new LabelScore(15, "robin", 0.9f)] }, default);

    private Task<List<RecognitionJob>> QueuedJobsAsync() => _sqs.ReceiveJobsAsync(_queueUrl);

    [Fact]
    public async Task An_old_input_without_a_result_has_its_job_queued_again_and_nothing_else_is_touched()
    {
        var stalled = await IndexQueuedAsync("img_00.jpg");
        var finished = await IndexQueuedAsync("img_01.jpg");
        await FinishAsync(finished);

        // Now every input is fresh: none is stalled yet.
        Assert.Equal(0, await _services.GetRequiredService<StalledJobSweeper>().SweepAsync(CancellationToken.None));
        Assert.Empty(await QueuedJobsAsync());

        _clock.Shift = StalledAfter + TimeSpan.FromMinutes(1);
        Assert.Equal(1, await _services.GetRequiredService<StalledJobSweeper>().SweepAsync(CancellationToken.None));

        var job = Assert.Single(await QueuedJobsAsync());
        // The job as it was first built, from the index alone: input, time (to the tick), trace, file name.
        Assert.Equal(stalled with { Input = job.Input }, job);
        Assert.Equal(new ObjectLocation(_services.GetRequiredService<ImageRec.WebTier.Storage.InputStore>().Bucket, $"{Owner}/{stalled.Id}"), job.Input);
        Assert.Null(job.ReplyTo); // nobody waits for it any more
    }

    [Fact]
    public async Task Replicas_sweeping_together_may_queue_a_job_twice_and_none_once_its_result_is_stored()
    {
        var stalled = await IndexQueuedAsync("img_02.jpg");
        _clock.Shift = StalledAfter + TimeSpan.FromMinutes(1);

        // Two replicas: two sweepers, each with its own memory of what it queued again.
        var replicas = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<StalledJobSweeper>(_services)).ToArray();
        var sweeps = await Task.WhenAll(replicas.Select(r => r.SweepAsync(CancellationToken.None)));
        Assert.Equal([1, 1], sweeps);
        Assert.All(await QueuedJobsAsync(), j => Assert.Equal(stalled.Id, j.Id));

        // A worker ran one copy (the other it skips, its result being stored) and recorded it: the next sweep leaves it alone.
        await FinishAsync(stalled);
        Assert.Equal(0, await _services.GetRequiredService<StalledJobSweeper>().SweepAsync(CancellationToken.None));
        Assert.Empty(await QueuedJobsAsync());
    }

    [Fact]
    public async Task A_replica_queues_a_stalled_job_again_once_per_stalled_after_not_on_every_sweep()
    {
        var stalled = await IndexQueuedAsync("img_03.jpg");
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
        var stalled = await IndexQueuedAsync("img_04.jpg");
        _clock.Shift = StalledAfter + TimeSpan.FromMinutes(1);
        // The first index Query is refused as DynamoDB refuses a role without dynamodb:Query; the rest pass.
        await using var proxy = await FaultProxy.FailingFirstAsync(emulator.ServiceUrl,
            request => request.Headers["X-Amz-Target"] == "DynamoDB_20120810.Query", AwsErrorResponses.WriteAccessDeniedAsync);
        var log = new RecordingLogger();
        await using var proxied = Services(proxy.Address).AddSingleton<ILoggerFactory>(new RecordingLoggerFactory(log)).BuildServiceProvider();
        using var sweeper = proxied.GetRequiredService<StalledJobSweeper>();

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
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && Equals(e.Values.GetValueOrDefault("ErrorCode"), "AccessDeniedException"));
        Assert.Equal(stalled.Id, Assert.Single(queued).Id);
    }
}
