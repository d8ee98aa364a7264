using Amazon.SQS;
using ImageRec.Common.Aws;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.WebTier.Storage;
using ImageRec.WebTier.Uploads;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Submission;

/// <summary>
/// Queues again the job of an upload that was stored but never enqueued (its web tier died in between, or an
/// upload with an idempotency key failed to enqueue): every <see cref="SweeperOptions.Interval"/> it asks the index
/// for the images queued since before <see cref="SweeperOptions.StalledAfter"/> (<see cref="ImageIndex.QueuedBeforeAsync"/>:
/// a sparse index holds only unfinished images, so a sweep costs one Query per shard, whatever the bucket holds) and
/// sends each one's job, rebuilt from its index item.
/// A replica queues a job again at most once per <see cref="SweeperOptions.StalledAfter"/>. Every replica sweeps,
/// so a job can still be queued again by two of them: the copy that finds the result stored is not run
/// (JobBatchProcessor checks every job for an earlier result); two copies taken by two workers at the same
/// moment both run and write equal results, the case <see cref="SweeperOptions.StalledAfter"/> keeps rare.
/// <para>A presigned upload (<see cref="DirectUploads"/>) still awaiting its image once its URL has expired and
/// <see cref="SweeperOptions.StalledAfter"/> more has passed: when its input is in S3 after all, the bucket's event
/// was lost and the sweeper sends its job like a stalled queued one's; when it is not, the upload never came (no
/// expired URL can bring it any more) and its index item is dropped.</para>
/// </summary>
public sealed class StalledJobSweeper(
    ImageIndex index,
    InputStore inputs,
    IAmazonSQS sqs,
    RequestQueue requestQueue,
    IOptions<SweeperOptions> options,
    IOptions<UploadOptions> uploads,
    WebTierMetrics metrics,
    TimeProvider time,
    ILogger<StalledJobSweeper> logger) : BackgroundService
{
    /// <summary>Images this replica queued again (owner/id), and when; only the sweep loop touches it.</summary>
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
        var stalledBefore = time.GetUtcNow() - options.Value.StalledAfter;
        // A presigned upload may arrive until its URL expires (a PUT begun just before then may still be streaming).
        var unsentBefore = stalledBefore - TimeSpan.FromSeconds(uploads.Value.PresignedUrlSeconds);
        var requeued = 0;
        await foreach (var image in index.QueuedBeforeAsync(stalledBefore, cancellationToken))
        {
            var key = $"{image.Owner}/{image.Id}";
            // Queued again by this replica within StalledAfter: that copy is still waiting for a worker.
            if (_requeuedAt.TryGetValue(key, out var requeuedAt) && requeuedAt > stalledBefore) continue;
            if (image.Status == JobStatus.AwaitingUpload)
            {
                if (image.UploadedAt >= unsentBefore) continue;
                if (await inputs.ReadAsync(image.Owner, image.Id, cancellationToken) is null)
                {
                    // Its URL expired a StalledAfter ago, so nothing can store the image any more: the item goes.
                    await index.DeleteAsync(image.Owner, image.Id, cancellationToken);
                    logger.LogInformation("Dropped presigned upload {JobId} of {Owner}: handed out at {UploadedAt:O}, its URL expired and no image came",
                        image.Id, image.Owner, image.UploadedAt);
                    continue;
                }
                logger.LogWarning("Presigned upload {JobId} is in S3 but its bucket event never made a job; sending it", image.Id);
            }

            var job = new RecognitionJob
            {
                Id = image.Id,
                Owner = image.Owner,
                Input = inputs.Location(image),
                SubmittedAt = image.UploadedAt,
                Traceparent = image.Traceparent,
                FileName = image.FileName,
            };
            await sqs.SendMessageAsync(await requestQueue.UrlAsync(cancellationToken), ContractSerializer.Serialize(job), cancellationToken);
            _requeuedAt[key] = time.GetUtcNow();
            metrics.JobsRequeued.Add(1);
            requeued++;
            logger.LogWarning("Queued job {JobId} again: it was uploaded at {UploadedAt:O} and is still queued (an upload cut off before its job was queued, or a job lost)",
                image.Id, image.UploadedAt);
        }
        // Forget copies queued again two StalledAfter ago or more (they no longer hold anything back): the set stays as small as the backlog.
        foreach (var key in _requeuedAt.Where(r => r.Value <= stalledBefore - options.Value.StalledAfter).Select(r => r.Key).ToArray())
            _requeuedAt.Remove(key);
        return requeued;
    }
}
