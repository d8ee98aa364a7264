using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Jobs;

/// <summary>
/// Queues again the job of an upload that was stored but never enqueued (its web tier died in between, or an
/// upload with an idempotency key failed to enqueue): every <see cref="SweeperOptions.Interval"/> it pages through
/// the input bucket and, for each input older than <see cref="SweeperOptions.StalledAfter"/> with no result, sends
/// the job rebuilt from the input's metadata (<see cref="StoredInput"/>).
/// Every replica sweeps, so a job can be queued again twice, or while its first copy still runs: harmless,
/// because the worker does not run a job whose result is already stored (JobBatchProcessor's earlier-result check).
/// Reads every result key once per sweep; a large deployment would keep an index of unfinished jobs instead.
/// </summary>
public sealed class StalledJobSweeper(
    IAmazonS3 s3,
    ISqsClient sqs,
    RequestQueue requestQueue,
    IOptions<StorageOptions> storage,
    IOptions<SweeperOptions> options,
    WebTierMetrics metrics,
    TimeProvider time,
    ILogger<StalledJobSweeper> logger) : BackgroundService
{
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
                catch (Exception e) when (DependencyErrors.IsDependencyFailure(e, stoppingToken))
                {
                    logger.LogWarning("Sweeping for stalled uploads failed ({Error}); trying again in {Interval}", e.Message, options.Value.Interval);
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
            // Gone since the listing (deleted by its owner): nothing to run.
            if (await StoredInput.ReadAsync(s3, bucket, owner, id, cancellationToken) is not { } metadata) continue;

            var job = metadata.ToJob(bucket, fallbackSubmittedAt: stored);
            await sqs.SendMessageAsync(await requestQueue.UrlAsync(cancellationToken), ContractSerializer.Serialize(job), delaySeconds: null, cancellationToken);
            metrics.JobsRequeued.Add(1);
            requeued++;
            logger.LogWarning("Queued job {JobId} again: its input was stored at {StoredAt:O} and has no result (an upload cut off before its job was queued)",
                id, stored);
        }
        return requeued;
    }

    private async Task<List<S3Object>> ObjectsAsync(string bucket, CancellationToken cancellationToken)
    {
        var objects = new List<S3Object>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            objects.AddRange(response.S3Objects ?? []);
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
        return objects;
    }

    private async Task<IEnumerable<string>> KeysAsync(string bucket, CancellationToken cancellationToken) =>
        (await ObjectsAsync(bucket, cancellationToken)).Select(o => o.Key);
}
