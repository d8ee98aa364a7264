using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using ImageRec.Common.Aws;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Jobs;

/// <summary>
/// Queues again the job of an upload that was stored but never enqueued (its web tier died in between, or an
/// upload with an idempotency key failed to enqueue): every <see cref="SweeperOptions.Interval"/> it pages through
/// the input bucket and, for each input older than <see cref="SweeperOptions.StalledAfter"/> with no result, sends
/// the job rebuilt from the input's metadata (<see cref="StoredInput"/>).
/// A replica queues a job again at most once per <see cref="SweeperOptions.StalledAfter"/>. Every replica sweeps,
/// so a job can still be queued again by two of them: the copy that finds the result stored is not run
/// (JobBatchProcessor checks every job for an earlier result); two copies taken by two workers at the same
/// moment both run and write equal results, the case <see cref="SweeperOptions.StalledAfter"/> keeps rare.
/// Reads every result key once per sweep; a large deployment would keep an index of unfinished jobs instead.
/// </summary>
public sealed class StalledJobSweeper(
    IAmazonS3 s3,
    IAmazonSQS sqs,
    RequestQueue requestQueue,
    IOptions<StorageOptions> storage,
    IOptions<SweeperOptions> options,
    WebTierMetrics metrics,
    TimeProvider time,
    ILogger<StalledJobSweeper> logger) : BackgroundService
{
    /// <summary>Input keys this replica queued again, and when; only the sweep loop touches it.</summary>
    private readonly Dictionary<string, DateTimeOffset> _requeuedAt = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception e) when (TransientAwsErrors.IsTransient(e, stoppingToken))
                {
                    logger.LogWarning("Sweeping for stalled uploads failed ({ErrorCode}: {Error}); trying again in {Interval}",
                        AwsCallFailures.Code(e), e.Message, options.Value.Interval);
                }
                // A lasting refusal (a permission missing, a bucket gone) must not end the loop: unhandled here it
                // would stop the whole web tier (BackgroundServiceExceptionBehavior.StopHost). It is an operator's to fix.
                catch (Exception e) when (AwsCallFailures.IsCallFailure(e, stoppingToken))
                {
                    logger.LogError(e, "Sweeping for stalled uploads was refused ({ErrorCode}); stalled jobs are not queued again until it is fixed. Next sweep in {Interval}",
                        AwsCallFailures.Code(e), options.Value.Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep; returns how many jobs it queued again.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var bucket = storage.Value.InputBucket;
        // Results first: a result written after this listing only makes a finished job look stalled, which is harmless.
        var finished = (await KeysAsync(storage.Value.ResultBucket, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var stalledBefore = time.GetUtcNow() - options.Value.StalledAfter;
        var requeued = 0;
        foreach (var input in await ObjectsAsync(bucket, cancellationToken))
        {
            if (StoredInput.LastModified(input.LastModified) is not { } stored || stored > stalledBefore) continue;
            if (input.Key.Split('/') is not [var owner, var id] || !Guid.TryParseExact(id, "D", out _)) continue;
            if (finished.Contains(StorageOptions.ResultKey(owner, id))) continue;
            // Queued again by this replica within StalledAfter: that copy is still waiting for a worker.
            if (_requeuedAt.TryGetValue(input.Key, out var requeuedAt) && requeuedAt > stalledBefore) continue;
            // Gone since the listing (deleted by its owner): nothing to run.
            if (await StoredInput.ReadAsync(s3, bucket, owner, id, cancellationToken) is not { } metadata) continue;

            var job = metadata.ToJob(bucket, fallbackSubmittedAt: stored);
            await sqs.SendMessageAsync(await requestQueue.UrlAsync(cancellationToken), ContractSerializer.Serialize(job), cancellationToken);
            _requeuedAt[input.Key] = time.GetUtcNow();
            metrics.JobsRequeued.Add(1);
            requeued++;
            logger.LogWarning("Queued job {JobId} again: its input was stored at {StoredAt:O} and has no result (an upload cut off before its job was queued)",
                id, stored);
        }
        // Forget copies queued again two StalledAfter ago or more (they no longer hold anything back): the set stays as small as the backlog.
        foreach (var key in _requeuedAt.Where(r => r.Value <= stalledBefore - options.Value.StalledAfter).Select(r => r.Key).ToArray())
            _requeuedAt.Remove(key);
        return requeued;
    }

    private async Task<List<S3Object>> ObjectsAsync(string bucket, CancellationToken cancellationToken)
    {
        var objects = new List<S3Object>();
        await foreach (var o in s3.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = bucket }).S3Objects.WithCancellation(cancellationToken))
            objects.Add(o);
        return objects;
    }

    private async Task<IEnumerable<string>> KeysAsync(string bucket, CancellationToken cancellationToken) =>
        (await ObjectsAsync(bucket, cancellationToken)).Select(o => o.Key);
}
