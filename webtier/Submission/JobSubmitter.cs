using System.Diagnostics;
using Amazon.SQS;
using ImageRec.Common.Aws;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.Common.Observability;
using ImageRec.WebTier.Storage;
using ImageRec.WebTier.Uploads;

namespace ImageRec.WebTier.Submission;

/// <summary>
/// Turns an accepted upload into a job: stores the image as <c>{owner}/{id}</c> in the input bucket, adds it to the
/// index as queued, enqueues the job, and (when asked to wait) waits for the reply, falling back to the result
/// object in S3 when the reply does not come in time. In that order: what the index holds has its image, and every
/// job sent has its index item, which is how the sweeper finds a job whose message was never sent.
/// An upload either becomes a job the caller gets the id of, or leaves nothing behind: when storing or
/// indexing or enqueueing fails, the caller gets an error and the stored image is discarded — unless the upload carries an
/// idempotency key, whose retry finds the stored image (see <see cref="IdempotencyKey"/>). A keyed upload's
/// image is stored create-only (S3 <c>If-None-Match: *</c>), so of concurrent attempts with one key exactly one
/// stores and enqueues.
/// </summary>
public sealed class JobSubmitter(
    InputStore inputs,
    ImageIndex index,
    IAmazonSQS sqs,
    RequestQueue requestQueue,
    ReplyQueue replies,
    ResultStore results,
    ImageCatalog catalog,
    AbandonedUploads abandoned,
    WebTierMetrics metrics,
    TimeProvider time,
    ILogger<JobSubmitter> logger)
{
    /// <summary>How often a keyed upload tries to store its image while another attempt's store is in progress or gone.</summary>
    private const int MaxStoreRounds = 3;

    /// <summary>The pause before a keyed upload's next round, times the round: S3 says to retry a conflicting conditional write.</summary>
    private static readonly TimeSpan StoreRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Submits the upload under a new id; answers its result when <paramref name="wait"/> allowed and it came, else queued.</summary>
    public async Task<RecognitionResult> SubmitAsync(string owner, UploadedImage image, TimeSpan wait, CancellationToken cancellationToken) =>
        // A fresh random id is never held by another upload, so its store always succeeds or throws.
        (await SubmitNewAsync(owner, Guid.CreateVersion7().ToString(), image, image.ContentSha256(), keyed: false, wait, cancellationToken))!;

    /// <summary>
    /// Submits the upload under the id derived from the owner and <paramref name="idempotencyKey"/>: a retry whose
    /// first attempt stored its image answers for that job instead of submitting another, or is refused when
    /// the image differs. Of concurrent attempts with one key, the one whose create-only store wins submits the
    /// job; the others answer for it like retries.
    /// </summary>
    public async Task<(RecognitionResult? Result, UploadRejection? Rejection)> SubmitOnceAsync(
        string owner, UploadedImage image, string idempotencyKey, TimeSpan wait, CancellationToken cancellationToken)
    {
        var contentSha256 = image.ContentSha256();
        var id = IdempotencyKey.JobId(owner, idempotencyKey);
        for (var round = 1; ; round++)
        {
            if (await SubmitNewAsync(owner, id, image, contentSha256, keyed: true, wait, cancellationToken) is { } submitted) return (submitted, null);
            if (await inputs.ReadAsync(owner, id, cancellationToken) is { } earlier)
                return await AnswerForEarlierAsync(earlier, contentSha256, wait, cancellationToken);
            // Nothing to answer for: the other attempt's store was still in progress (409), or its image was
            // deleted since. Ours may go in now.
            if (round == MaxStoreRounds)
            {
                logger.LogWarning("Upload refused: another upload with the idempotency key of job {Id} held it through {Rounds} tries to store the image", id, round);
                return (null, UploadRejection.IdempotencyKeyInUse());
            }
            await Task.Delay(StoreRetryDelay * round, time, cancellationToken);
        }
    }

    /// <summary>The answer to an upload whose key's job another attempt stored: that job's, unless the image differs.</summary>
    private async Task<(RecognitionResult? Result, UploadRejection? Rejection)> AnswerForEarlierAsync(
        StoredInput earlier, string contentSha256, TimeSpan wait, CancellationToken cancellationToken)
    {
        // An input stored without a hash cannot be compared: it is taken as the same image.
        if (earlier.ContentSha256 is { } storedSha256 && storedSha256 != contentSha256)
        {
            logger.LogInformation("Upload refused: the idempotency key of job {Id} was reused for a different image", earlier.Id);
            return (null, UploadRejection.IdempotencyKeyReused());
        }
        logger.LogInformation("Upload with the idempotency key of job {Id} answered from its first attempt", earlier.Id);
        // The first attempt stored the image but failed to index it (the index was unreachable): nothing sent its
        // job either, and without an index item the sweeper would never find it. This attempt finishes the job. (Or the
        // first attempt is a concurrent one about to index it: then the job is sent twice, which the worker absorbs.)
        var job = earlier.ToJob(inputs.Bucket);
        if (await index.AddAsync(IndexedImage.Queued(job, earlier.Size, earlier.ContentSha256), cancellationToken))
        {
            logger.LogWarning("Job {Id} of an earlier attempt was not in the index; indexed and queued it now", earlier.Id);
            await sqs.SendMessageAsync(await requestQueue.UrlAsync(cancellationToken), ContractSerializer.Serialize(job), cancellationToken);
        }
        return (await AwaitStoredResultAsync(earlier, wait, cancellationToken), null);
    }

    /// <summary>The new job's answer, or null when <paramref name="keyed"/> and another attempt holds the id (nothing was stored or sent).</summary>
    private async Task<RecognitionResult?> SubmitNewAsync(
        string owner, string id, UploadedImage image, string contentSha256, bool keyed, TimeSpan wait, CancellationToken cancellationToken)
    {
        // A producer span for the job; the worker's span continues its trace (traceparent in the message).
        using var activity = Tracing.Source.StartActivity("imagerec.job.submit", ActivityKind.Producer);
        activity?.SetTag("imagerec.job.id", id);
        var job = new RecognitionJob
        {
            Id = id,
            Owner = owner,
            Input = inputs.Location(owner, id),
            ReplyTo = wait > TimeSpan.Zero ? replies.Url : null,
            SubmittedAt = time.GetUtcNow(),
            Traceparent = Tracing.CurrentOrNewTraceparent(),
            FileName = image.FileName,
        };

        var queued = new RecognitionResult { Id = id, Owner = owner, Status = JobStatus.Queued, FileName = image.FileName };
        var started = Stopwatch.GetTimestamp();
        if (!await StoreAsync(job, image, contentSha256, keyed, cancellationToken))
        {
            activity?.SetTag("imagerec.job.stored_by_another_attempt", true);
            return null;
        }
        await IndexAsync(job, image.Length, contentSha256, keyed, cancellationToken);
        // Registered before the job is sent, or a fast worker's reply could arrive first and be dropped; and after
        // the store, so that of concurrent uploads with one key only the one that sends the job waits for its reply
        // on this replica's queue (the others poll S3 for the result, as retries do).
        using var registration = wait > TimeSpan.Zero ? replies.Register(id) : null;
        await EnqueueAsync(job, keyed, cancellationToken);
        metrics.StoreSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (registration is null) return queued;

        var waitStarted = Stopwatch.GetTimestamp();
        var (result, via) = await WaitForResultAsync(registration, owner, id, wait, cancellationToken);
        metrics.ResultWaitSeconds.Record(Stopwatch.GetElapsedTime(waitStarted).TotalSeconds, new KeyValuePair<string, object?>("via", via));
        return result ?? queued;
    }

    /// <summary>
    /// A retried upload's answer: the first attempt's result, read again for up to <paramref name="wait"/> (its job
    /// replies to the replica that sent it, maybe one that is gone), else queued.
    /// </summary>
    private async Task<RecognitionResult> AwaitStoredResultAsync(StoredInput earlier, TimeSpan wait, CancellationToken cancellationToken) =>
        await catalog.WaitAsync(earlier.Owner, earlier.Id, wait, cancellationToken) ?? earlier.Queued();

    /// <summary>
    /// Stores the image as the job's input. A keyed upload's store is create-only: false, with nothing stored, when
    /// another attempt with the key stored its image first, so that only one of them enqueues the job. An unkeyed
    /// upload's id is fresh and random, so no other upload writes its key and its store needs no condition.
    /// </summary>
    private async Task<bool> StoreAsync(RecognitionJob job, UploadedImage image, string contentSha256, bool keyed, CancellationToken cancellationToken)
    {
        try
        {
            return await inputs.StoreAsync(job, image, contentSha256, createOnly: keyed, cancellationToken);
        }
        catch
        {
            AbandonUnlessKeyed(job, keyed);
            throw;
        }
    }

    /// <summary>Adds the stored image to the index as queued (an item already there, from our own retried write, stays).</summary>
    private async Task IndexAsync(RecognitionJob job, long size, string contentSha256, bool keyed, CancellationToken cancellationToken)
    {
        try
        {
            await index.AddAsync(IndexedImage.Queued(job, size, contentSha256), cancellationToken);
        }
        catch
        {
            AbandonUnlessKeyed(job, keyed);
            throw;
        }
    }

    private async Task EnqueueAsync(RecognitionJob job, bool keyed, CancellationToken cancellationToken)
    {
        try
        {
            // Retried by the SDK (see AddImageRecAws): a duplicate of the job is absorbed downstream.
            await sqs.SendMessageAsync(await requestQueue.UrlAsync(cancellationToken), ContractSerializer.Serialize(job), cancellationToken);
        }
        catch
        {
            AbandonUnlessKeyed(job, keyed);
            throw;
        }
    }

    /// <summary>
    /// After the store, the indexing or the enqueue broke (or only its answer): the caller hears the upload failed and
    /// will upload again, so this attempt's image must not stay behind. Unless the upload has an idempotency key: it is
    /// retried with the same key, so the same id, and removing the image could race that retry, which would answer for
    /// it and then find it gone. It stays; a retry answers for it (and indexes and queues it if the indexing is what
    /// failed), and the sweeper queues its job if the enqueue is what failed.
    /// </summary>
    private void AbandonUnlessKeyed(RecognitionJob job, bool keyed)
    {
        if (!keyed) abandoned.Discard(job.Owner, job.Id);
    }

    /// <summary>The reply, else the result in S3 once <paramref name="wait"/> is up, else null (still queued).</summary>
    private async Task<(RecognitionResult? Result, string Via)> WaitForResultAsync(
        ReplyQueue.Registration registration, string owner, string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            return (await registration.Reply.WaitAsync(wait, time, cancellationToken), "reply");
        }
        catch (TimeoutException)
        {
        }
        try
        {
            var result = await results.GetResultAsync(owner, id, cancellationToken);
            return (result, result is null ? "timeout" : "s3");
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            // The job is queued: an error now, transient or not (a 403 where S3 answers a missing key so without
            // s3:ListBucket), would make the caller upload it a second time. It gets 202 and the id to poll instead.
            logger.Log(TransientAwsErrors.IsTransient(e, cancellationToken) ? LogLevel.Warning : LogLevel.Error,
                "Reading the result of queued job {JobId} failed ({ErrorCode}: {Error}); answering it queued", id, AwsCallFailures.Code(e), e.Message);
            return (null, "timeout");
        }
    }
}
