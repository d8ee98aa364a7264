using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws;
using ImageRec.Common.Aws.S3;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.Common.Observability;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageRec.Worker.Processing;

/// <summary>
/// Processes one ReceiveMessage batch: download every input, decode and preprocess them in parallel
/// into one tensor batch, run the model once (<see cref="BatchClassifier"/>), write each result to S3, record it in the image index,
/// reply, and delete the messages that are done.
///
/// What happens to a message depends on what went wrong, so that no job is lost or stuck:
/// - done (succeeded, or failed for a reason that retrying cannot fix: a corrupt image, a missing
///   input): result written, outcome recorded in the index, reply sent, message deleted;
/// - transient (S3/SQS/DynamoDB errors that usually pass, <see cref="TransientAwsErrors"/>): message not deleted
///   and returned to the caller, which lets it come back after a short backoff (<see cref="RetryBackoff"/>);
/// - unreadable message (not a job we understand, or a stored result we cannot read), or an S3 or index error
///   that retrying soon cannot fix (a refused permission, a missing bucket or table): left alone, so it comes
///   back after its visibility timeout and the queue's redrive policy moves it to the dead-letter queue after
///   maxReceiveCount attempts.
/// Results are written before the message is deleted, so a job can come back after it was finished
/// (its delete was lost, or its worker died before deleting). A redelivered job whose result exists is
/// not run again: the stored result stands (a user may have read it already) and is replied again.
/// The index (<see cref="ImageIndex"/>) is updated after the result is stored and before the reply and the delete:
/// a job whose index update failed comes back, finds its stored result and records that, so the owner's list
/// never keeps a finished image queued; and whoever gets the reply finds the outcome in the list. Recording is
/// conditional (only an unfinished image takes an outcome), so doing it again is harmless. A missing input writes no
/// result, but is recorded (failed, input-missing) if its index item is still there: a delete cut off after the input
/// then does not leave the image queued forever. An image deleted while its job ran is not brought back, and its
/// stored result is deleted once its input is seen gone too.
/// A job can also arrive twice as two messages (a SendMessage the SDK retried after a lost answer, the web
/// tier's sweeper): two copies in one batch run once, and results are written create-only, so of two copies
/// run by two workers at once the first result stays. The other copy records that result (the writer may have failed
/// to) and replies with it only if its record came first; a first delivery does not look for a stored result before it
/// runs (that read is a 404 for nearly every job), so such a copy costs a model run, not a second outcome.
/// S3 event notifications of the input bucket arrive on the same queue (<see cref="S3EventMessage"/>): each ObjectCreated
/// record of a <c>{owner}/{name}</c> key becomes a job (<see cref="BucketEventJobs"/>), checked against the index before it
/// runs (an image the web tier queued runs from its own job message; a finished one is not run again; one nobody indexed is
/// added for its owner); anything else in them, and S3's test event, is deleted. A message is deleted only when all its
/// records are done, and retried when any of them met a transient error (its done ones then find their results).
/// </summary>
public sealed class JobBatchProcessor(
    IAmazonSQS sqs,
    IAmazonS3 s3,
    ImageIndex index,
    ModelHost model,
    ImagePreparer preparer,
    TensorBatchPool tensors,
    IOptions<StorageOptions> storage,
    IOptions<WorkerOptions> options,
    LanePlan lanes,
    WorkerMetrics metrics,
    TimeProvider time,
    ILogger<JobBatchProcessor> logger)
{
    private enum Outcome { Pending, Done, Retry, Unreadable, Refused }

    private readonly BatchClassifier _batchClassifier = new(preparer, lanes.DecodeThreads);

    /// <summary>A job's result: the document stored in S3 and replied, and what it says (what the index records).</summary>
    private sealed record ResultDocument(RecognitionResult Result, string Json);

    /// <summary>One job of a message: a job message holds one; an S3 event notification one per record.</summary>
    private sealed class WorkItem(Message message)
    {
        public Message Message { get; } = message;
        public RecognitionJob? Job;
        /// <summary>The S3 event record this job came from; null for a job message.</summary>
        public S3EventRecord? Event;
        public byte[]? Data;
        public int Length;
        public Outcome Outcome;
        public string? Error;
        public string? Reason;
        public double QueueMs;
        public double DecodeMs;
        public LabelScore[] Labels = [];
        public Activity? Span;
        /// <summary>The input is gone (deleted by its owner): reply, and record the failure if the index still holds the image, but write no result that would outlive it.</summary>
        public bool InputGone;
        /// <summary>The result an earlier delivery of this job wrote, when there is one.</summary>
        public ResultDocument? EarlierResult;
        /// <summary>This copy's result write found the result another copy of the job stored first; that one stands.</summary>
        public bool StoredByAnother;
        /// <summary>The result to reply with, once it is stored and recorded; sent with the batch's other replies.</summary>
        public string? Reply;
        /// <summary>
        /// Nothing to run, record or reply: another item of the batch carries the same job and runs it, or this one is
        /// not ours to run (S3's test event, another bucket's record, a repeated or redundant event). Only deleted.
        /// </summary>
        public bool NotRun;
    }

    /// <summary>
    /// Processes <paramref name="messages"/>; the caller keeps them invisible meanwhile (<see cref="VisibilityHeartbeat"/>).
    /// Returns the messages left for another attempt after a transient S3/SQS/DynamoDB error.
    /// </summary>
    public async Task<IReadOnlyList<Message>> ProcessAsync(string queueUrl, IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var items = messages.SelectMany(m => Parse(m, now)).ToArray();
        metrics.InFlight.Add(items.Length);
        try
        {
            await Parallel.ForEachAsync(items.Where(i => i.Outcome == Outcome.Pending && i.Event is not null),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.IoParallelism, CancellationToken = cancellationToken },
                LookUpEventImageAsync);
            MarkDuplicates(items);

            // Only a message received before looks for its stored result first: on a first delivery that read would
            // nearly always be S3's 404, one call and one exception per job. A first delivery that was finished
            // all the same (the sweeper's copy of a job, a SendMessage sent twice) finds out from its create-only
            // write and goes on with the stored result (StoreNewResultAsync).
            await Parallel.ForEachAsync(items.Where(i => i.Outcome == Outcome.Pending && i.Message.ApproximateReceiveCount() is not 1),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.IoParallelism, CancellationToken = cancellationToken },
                FindEarlierResultAsync);

            await Parallel.ForEachAsync(items.Where(i => i.Outcome == Outcome.Pending),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.IoParallelism, CancellationToken = cancellationToken },
                DownloadAsync);

            var inferenceMs = Classify(items);

            await Parallel.ForEachAsync(items.Where(i => i.Outcome is Outcome.Done && !i.NotRun),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.IoParallelism, CancellationToken = cancellationToken },
                (item, ct) => PublishAsync(item, inferenceMs, ct));
            await ReplyAsync(items.Where(i => i.Reply is not null).ToArray(), cancellationToken);

            // A message is done when all its items are; one with an item that may pass soon is retried whole.
            var byMessage = items.GroupBy(i => i.Message).ToArray();
            await DeleteDoneAsync(queueUrl, byMessage.Where(m => m.All(i => i.Outcome == Outcome.Done)).Select(m => m.Key).ToArray(), cancellationToken);
            return byMessage.Where(m => m.Any(i => i.Outcome == Outcome.Retry)).Select(m => m.Key).ToArray();
        }
        finally
        {
            foreach (var item in items)
            {
                if (item.Data is not null) ArrayPool<byte>.Shared.Return(item.Data);
                item.Span?.SetTag("imagerec.job.outcome", item.Outcome.ToString());
                if (item.Error is not null) item.Span?.SetStatus(ActivityStatusCode.Error, item.Error);
                item.Span?.Dispose();
            }
            metrics.InFlight.Add(-items.Length);
        }
    }

    /// <summary>The items of <paramref name="message"/>: its job, or one per record of an S3 event notification.</summary>
    private IEnumerable<WorkItem> Parse(Message message, DateTimeOffset now)
    {
        S3EventMessage? s3Message;
        RecognitionJob? job = null;
        try
        {
            s3Message = S3EventMessage.Parse(message.Body);
            if (s3Message is null) job = ContractSerializer.ParseJob(message.Body);
        }
        catch (JsonException e)
        {
            logger.LogError("Message {MessageId} is not a job this worker understands ({Reason}); leaving it for the dead-letter queue",
                message.MessageId, e.Message);
            return [new WorkItem(message) { Outcome = Outcome.Unreadable }];
        }
        switch (s3Message)
        {
            case S3TestEvent test:
                logger.LogInformation("Message {MessageId} is S3's test event for bucket {Bucket}: the bucket's notification reaches this queue; deleting it",
                    message.MessageId, test.Bucket);
                return [NotRun(message)];
            case S3EventNotification notification:
                return notification.Records.Count == 0 ? [NotRun(message)] : notification.Records.Select(record => EventItem(message, record, now)).ToArray();
            default:
                var item = new WorkItem(message) { Job = job };
                StartJob(item, now);
                return [item];
        }
    }

    private static WorkItem NotRun(Message message) => new(message) { Outcome = Outcome.Done, NotRun = true };

    /// <summary>The job of an S3 event record: an object created under <c>{owner}/</c> in the input bucket; anything else is deleted.</summary>
    private WorkItem EventItem(Message message, S3EventRecord record, DateTimeOffset now)
    {
        var bucket = record.S3.Bucket.Name;
        var key = record.S3.Object.DecodedKey;
        if (!record.IsObjectCreated)
        {
            logger.LogInformation("Message {MessageId}: S3 event {EventName} for s3://{Bucket}/{Key} is no new image; deleting it",
                message.MessageId, record.EventName, bucket, key);
            return NotRun(message);
        }
        if (bucket != storage.Value.InputBucket)
        {
            logger.LogWarning("Message {MessageId}: S3 event for s3://{Bucket}/{Key}, not the input bucket {InputBucket}; deleting it (is another bucket notifying this queue?)",
                message.MessageId, bucket, key, storage.Value.InputBucket);
            return NotRun(message);
        }
        if (BucketEventJobs.ToJob(record) is not { } job)
        {
            logger.LogWarning("Message {MessageId}: S3 event for s3://{Bucket}/{Key}, a key that is not {{owner}}/{{name}}: it belongs to no one's list; deleting it",
                message.MessageId, bucket, key);
            return NotRun(message);
        }
        var item = new WorkItem(message) { Job = job, Event = record };
        StartJob(item, now);
        return item;
    }

    private void StartJob(WorkItem item, DateTimeOffset now)
    {
        item.QueueMs = Math.Max(0, (now - item.Job!.SubmittedAt).TotalMilliseconds);
        // The worker's span joins the trace the upload started.
        ActivityContext.TryParse(item.Job.Traceparent, null, out var parent);
        var ambient = Activity.Current;
        item.Span = Tracing.Source.StartActivity("imagerec.job.process", ActivityKind.Consumer, parent);
        item.Span?.SetTag("imagerec.job.id", item.Job.Id);
        Activity.Current = ambient; // one span per job of the batch; none becomes the ambient one
        metrics.QueueSeconds.Record(item.QueueMs / 1000);
        if (item.Message.ApproximateReceiveCount() > 1) metrics.Redelivered.Add(1);
    }

    /// <summary>
    /// What the index says of an S3 event's image decides whether it runs. Queued under the web tier's own key
    /// <c>{owner}/{id}</c>: the web tier stored it and sent its job message, which runs it (its sweeper queues it
    /// again if that is lost), so the event is redundant — every web-tier upload notifies too. Awaiting upload: a
    /// presigned upload arrived; it runs and its completion is recorded. Not indexed under the web tier's own key: an
    /// upload whose event came before the web tier indexed it (the web tier's job message runs it), or one the web tier
    /// refused and is removing: the event is dropped, or it would list an image its uploader was told failed. Not
    /// indexed under any other key: a file written by someone else (a pipeline); it is added, queued, to its owner's
    /// list, then runs. Queued under another key: this path added it
    /// and an earlier delivery did not finish it; it runs (results are create-only). Finished: a repeated event.
    /// </summary>
    private async ValueTask LookUpEventImageAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var job = item.Job!;
        try
        {
            var image = await index.GetAsync(job.Owner, job.Id, cancellationToken);
            var ownKey = job.Input.Key == StorageOptions.InputKey(job.Owner, job.Id);
            switch (image?.Status)
            {
                // The event of every web-tier upload ends here or in the default case, so these are Debug: the usual path
                // of a job, not news.
                case null when ownKey:
                    item.Outcome = Outcome.Done;
                    item.NotRun = true;
                    logger.LogDebug("S3 event for image {JobId}: stored by the web tier and not indexed (yet, or refused); its job message runs it, deleting the event",
                        job.Id);
                    return;
                case null:
                    // The key is kept so that the sweeper's copy of the job reads the right object.
                    await index.AddAsync(new IndexedImage(job.Owner, job.Id, job.SubmittedAt, JobStatus.Queued, job.FileName, item.Event!.S3.Object.Size,
                        InputKey: job.Input.Key), cancellationToken);
                    logger.LogInformation("Image s3://{Bucket}/{Key} was stored without the web tier; listed for {Owner} as {JobId}",
                        job.Input.Bucket, job.Input.Key, job.Owner, job.Id);
                    break;
                case JobStatus.AwaitingUpload:
                    item.Job = job with { FileName = image.FileName ?? job.FileName };
                    break;
                case JobStatus.Queued when !ownKey:
                    break;
                default:
                    item.Outcome = Outcome.Done;
                    item.NotRun = true;
                    logger.LogDebug("S3 event for image {JobId}: it is {Status} already (its job message runs it, or it ran); deleting the event",
                        job.Id, image.Status);
                    break;
            }
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            StorageFailed(item, "index", e, cancellationToken);
        }
    }

    /// <summary>
    /// Of the items of one job in this batch (a job sent twice, an S3 event delivered twice), the first — one that
    /// wants a reply, if any does — runs; the others are deleted with the batch's finished messages, without running or replying.
    /// </summary>
    private void MarkDuplicates(WorkItem[] items)
    {
        foreach (var copies in items.Where(i => i.Outcome == Outcome.Pending).GroupBy(i => i.Job!.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var copy in copies.OrderBy(i => i.Job!.ReplyTo is null).Skip(1))
            {
                copy.NotRun = true;
                copy.Outcome = Outcome.Done;
                logger.LogInformation("Message {MessageId} carries job {JobId} a second time in one batch; running it once",
                    copy.Message.MessageId, copies.Key);
            }
        }
    }

    /// <summary>A job received before may have been finished by that delivery: its stored result stands and is not run again.</summary>
    private async ValueTask FindEarlierResultAsync(WorkItem item, CancellationToken cancellationToken)
    {
        if (await ReadStoredResultAsync(item, cancellationToken) is not { } stored) return;
        item.EarlierResult = stored;
        item.Outcome = Outcome.Done;
        logger.LogInformation("Job {JobId} came back after it was finished; keeping its result", item.Job!.Id);
    }

    /// <summary>
    /// The result stored for the item's job, or null: none is stored (S3's 404), or it could not be read, in which case
    /// the item's outcome says what happens to its message (retried, or left for the dead-letter queue).
    /// </summary>
    private async Task<ResultDocument?> ReadStoredResultAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var job = item.Job!;
        try
        {
            using var response = await s3.GetObjectAsync(storage.Value.ResultBucket, StorageOptions.ResultKey(job.Owner, job.Id), cancellationToken);
            using var reader = new StreamReader(response.ResponseStream);
            var json = await reader.ReadToEndAsync(cancellationToken);
            return new ResultDocument(ContractSerializer.ParseResult(json), json);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Never finished.
        }
        catch (JsonException e)
        {
            // Its outcome cannot be recorded, and running the job again would not replace it (results are create-only).
            item.Outcome = Outcome.Unreadable;
            logger.LogError("Job {JobId}: its stored result is not one this worker understands ({Reason}); leaving the message for the dead-letter queue",
                job.Id, e.Message);
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            StorageFailed(item, "read-result", e, cancellationToken);
        }
        return null;
    }

    private async ValueTask DownloadAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var input = item.Job!.Input;
        try
        {
            using var response = await s3.GetObjectAsync(input.Bucket, input.Key, cancellationToken);
            if (response.ContentLength > options.Value.MaxInputBytes)
            {
                Fail(item, FailureReasons.FileTooLarge, $"input is {response.ContentLength} bytes, more than the worker's limit of {options.Value.MaxInputBytes}");
                return;
            }
            item.Data = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, response.ContentLength));
            item.Length = await ReadFullyAsync(response.ResponseStream, item.Data, cancellationToken);
            if (item.Length != response.ContentLength)
                throw new IOException($"input body ended after {item.Length} of {response.ContentLength} bytes");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            item.InputGone = true;
            Fail(item, FailureReasons.InputMissing, $"input image s3://{input.Bucket}/{input.Key} does not exist (deleted before it was processed?)");
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            StorageFailed(item, "download", e, cancellationToken);
        }
    }

    private static async Task<int> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
            total += read;
        return total;
    }

    /// <summary>Decodes and preprocesses in parallel, then runs the model once. Returns the model's time in ms.</summary>
    private double Classify(WorkItem[] items)
    {
        var ready = items.Where(i => i.Outcome == Outcome.Pending && i.Data is not null).ToArray();
        if (ready.Length == 0) return 0;

        var images = new ReadOnlyMemory<byte>[ready.Length];
        for (var slot = 0; slot < ready.Length; slot++) images[slot] = ready[slot].Data.AsMemory(0, ready[slot].Length);
        var results = new ClassifiedImage[ready.Length];
        double inferenceMs;
        var batch = tensors.Rent();
        try
        {
            inferenceMs = _batchClassifier.Classify(images, batch, model.Classifier, results);
        }
        finally
        {
            tensors.Return(batch);
        }
        metrics.InferenceSeconds.Record(inferenceMs / 1000);
        metrics.BatchSize.Record(ready.Length);

        for (var slot = 0; slot < ready.Length; slot++)
        {
            var (item, result) = (ready[slot], results[slot]);
            item.DecodeMs = result.DecodeMs;
            metrics.DecodeSeconds.Record(result.DecodeMs / 1000);
            if (result.Failure is { } failure)
            {
                // One odd image fails alone rather than taking its batch into redelivery; its exception may be a bug.
                if (failure.Unexpected is not null) logger.LogError(failure.Unexpected, "Preparing job {JobId} failed unexpectedly", item.Job?.Id);
                Fail(item, failure.Reason, failure.Message);
                continue;
            }
            item.Labels = result.Labels;
            item.Outcome = Outcome.Done;
        }
        return inferenceMs;
    }

    /// <summary>
    /// Stores the job's result (or takes the one an earlier delivery stored), records it in the index, then replies:
    /// in that order, so the reply's reader finds the outcome in the owner's list. A step that fails stops the job
    /// there; its message stays, and its next delivery finds the stored result and goes on from it.
    /// </summary>
    private async ValueTask PublishAsync(WorkItem item, double inferenceMs, CancellationToken cancellationToken)
    {
        var document = item.EarlierResult ?? await StoreNewResultAsync(item, inferenceMs, cancellationToken);
        if (document is null) return;
        // A missing input is recorded too: an image its owner's delete left half-done (input gone, item still queued)
        // then reads failed (input-missing) instead of being queued again by the sweeper forever.
        if (await RecordAsync(item, document.Result, cancellationToken) is not { } completion) return;
        // A copy whose result write found another copy's result replies only when that copy had not recorded it yet
        // (it failed to, or is about to): the copy that stored a result replies with it.
        if (item.StoredByAnother && completion != IndexCompletion.Recorded) return;
        if (item.Job!.ReplyTo is not null) item.Reply = document.Json;
    }

    /// <summary>Writes this run's result (none for a missing input); null when this copy must not go on.</summary>
    private async Task<ResultDocument?> StoreNewResultAsync(WorkItem item, double inferenceMs, CancellationToken cancellationToken)
    {
        var job = item.Job!;
        var result = new RecognitionResult
        {
            Id = job.Id,
            Owner = job.Owner,
            Status = item.Error is null ? JobStatus.Succeeded : JobStatus.Failed,
            Labels = item.Labels,
            Model = model.Classifier.Model,
            Timings = new JobTimings(Math.Round(item.QueueMs, 1), Math.Round(item.DecodeMs, 2), Math.Round(item.Error is null ? inferenceMs : 0, 2)),
            Error = item.Error,
            Reason = item.Reason,
            FileName = job.FileName,
            CompletedAt = time.GetUtcNow(),
            Traceparent = item.Span?.Id ?? job.Traceparent,
        };
        var json = ContractSerializer.Serialize(result);

        try
        {
            // Create-only: a result another copy of the job stored first stands (its user may have read it), and
            // that copy's worker records and replies with it.
            var written = item.InputGone ? CreateOnlyPutResult.Created : await s3.PutIfAbsentAsync(new PutObjectRequest
            {
                BucketName = storage.Value.ResultBucket,
                Key = StorageOptions.ResultKey(job.Owner, job.Id),
                ContentBody = json,
                ContentType = "application/json",
            }, cancellationToken);
            if (written == CreateOnlyPutResult.AlreadyExists)
            {
                // Another copy of the job, or an earlier delivery, stored it first: that result stands. It is recorded
                // here too (harmless when done twice), since the copy that stored it may have failed to.
                logger.LogInformation("Job {JobId} was finished by another copy of it; keeping that result", job.Id);
                item.StoredByAnother = true;
                var stored = await ReadStoredResultAsync(item, cancellationToken);
                if (stored is null && item.Outcome == Outcome.Done) Retry(item, "read-result", new IOException("the stored result vanished after the write found it"));
                return stored;
            }
            // Another copy's write is in progress: this copy comes back shortly and finds its result.
            if (written == CreateOnlyPutResult.Conflict)
            {
                Retry(item, "write-result", new IOException("another write of the result was in progress"));
                return null;
            }
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            StorageFailed(item, "write-result", e, cancellationToken);
            return null;
        }

        metrics.JobsCompleted.Add(1, new KeyValuePair<string, object?>("status", result.Status == JobStatus.Succeeded ? "succeeded" : "failed"));
        return new ResultDocument(result, json);
    }

    /// <summary>Records the stored result in the index; null when the message must stay (the index failed).</summary>
    private async Task<IndexCompletion?> RecordAsync(WorkItem item, RecognitionResult result, CancellationToken cancellationToken)
    {
        IndexCompletion completion;
        try
        {
            completion = await index.CompleteAsync(result, cancellationToken);
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            StorageFailed(item, "index", e, cancellationToken);
            return null;
        }
        item.Span?.SetTag("imagerec.index.completion", completion.ToString());
        // Still replied: a request waiting for this job gets its answer rather than a timeout, and the image's
        // absence from then on (404, not listed) is its owner's own doing.
        if (completion == IndexCompletion.ImageGone && !item.InputGone) await DeleteOrphanResultAsync(item.Job!, result, cancellationToken);
        return completion;
    }

    /// <summary>
    /// The owner deleted the image while its job ran: the result stored for it would outlive it. Only when the input
    /// is gone too: an input still stored means the index lacks an image it should hold (a job queued before the index
    /// existed), and its result stays for <c>imagerec-webtier reindex</c> to index. Best effort: a result left behind
    /// is unlisted (the index has no item for it), only stored.
    /// </summary>
    private async Task DeleteOrphanResultAsync(RecognitionJob job, RecognitionResult result, CancellationToken cancellationToken)
    {
        var key = StorageOptions.ResultKey(result.Owner, result.Id);
        try
        {
            await s3.GetObjectMetadataAsync(job.Input.Bucket, job.Input.Key, cancellationToken);
            logger.LogWarning("Image {JobId} is stored but not in the index (queued before the index existed?); keeping its result. Run imagerec-webtier reindex to list it",
                result.Id);
            return;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted: the result goes too.
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            logger.LogWarning("Whether image {JobId} is still stored could not be read ({Code}); keeping its result", result.Id, AwsCallFailures.Code(e));
            return;
        }
        logger.LogInformation("Image {JobId} was deleted while its job ran; deleting its result {ResultKey}", result.Id, key);
        try
        {
            await s3.DeleteObjectAsync(storage.Value.ResultBucket, key, cancellationToken);
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            logger.LogWarning("The result {ResultKey} of deleted image {JobId} could not be deleted ({Code}); it stays, unlisted",
                key, result.Id, AwsCallFailures.Code(e));
        }
    }

    /// <summary>
    /// Replies for the jobs of the batch that asked for it, after their results are stored and recorded: one
    /// SendMessageBatch per reply queue and ten replies, not one SendMessage per job.
    /// </summary>
    private async Task ReplyAsync(IReadOnlyList<WorkItem> replying, CancellationToken cancellationToken)
    {
        foreach (var queue in replying.GroupBy(i => i.Job!.ReplyTo!))
        {
            var jobs = queue.ToArray();
            try
            {
                // Retried by the SDK (see AddImageRecAws): the web tier answers a waiter once, whatever comes after.
                foreach (var index in await sqs.SendMessagesAsync(queue.Key, jobs.Select(i => i.Reply!).ToArray(), cancellationToken))
                    logger.LogWarning("Reply for job {JobId} to {ReplyTo} was refused; the result stays readable from S3", jobs[index].Job!.Id, queue.Key);
            }
            catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
            {
                // The results are already in S3, where the web tier looks when no reply arrives in time.
                logger.LogWarning("Replies for {Count} jobs to {ReplyTo} failed ({Code}); their results stay readable from S3",
                    jobs.Length, queue.Key, AwsCallFailures.Code(e));
            }
        }
    }

    private async Task DeleteDoneAsync(string queueUrl, IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        var done = messages.Select(m => m.ReceiptHandle).ToArray();
        if (done.Length == 0) return;
        // Not deleted means redelivered: the job finds its stored result, records it (again) and replies with it.
        try
        {
            var notDeleted = await sqs.DeleteMessagesAsync(queueUrl, done, cancellationToken);
            if (notDeleted.Count > 0)
            {
                metrics.TransientErrors.Add(notDeleted.Count, new KeyValuePair<string, object?>("stage", "delete"));
                logger.LogWarning("{Count} finished messages could not be deleted; they will be redelivered", notDeleted.Count);
            }
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            metrics.TransientErrors.Add(done.Length, new KeyValuePair<string, object?>("stage", "delete"));
            logger.LogWarning("Deleting {Count} finished messages failed ({Code}); they will be redelivered", done.Length, AwsCallFailures.Code(e));
        }
    }

    private void Fail(WorkItem item, string reason, string error)
    {
        item.Outcome = Outcome.Done;
        item.Reason = reason;
        item.Error = error;
        logger.LogWarning("Job {JobId} failed ({Reason}): {Error}", item.Job?.Id, reason, error);
    }

    /// <summary>An S3 or index call of <paramref name="stage"/> failed: retried soon when that may help, else refused.</summary>
    private void StorageFailed(WorkItem item, string stage, Exception e, CancellationToken cancellationToken)
    {
        if (TransientAwsErrors.IsTransient(e, cancellationToken)) Retry(item, stage, e);
        else Refuse(item, stage, e);
    }

    /// <summary>An S3 or index error retrying soon cannot fix: the message returns after its visibility timeout, and goes to the dead-letter queue in the end.</summary>
    private void Refuse(WorkItem item, string stage, Exception e)
    {
        item.Outcome = Outcome.Refused;
        logger.LogError("Job {JobId}: {Stage} was refused ({Code}: {Error}); leaving the message for its redrive policy",
            item.Job?.Id, stage, AwsCallFailures.Code(e), e.Message);
    }

    private void Retry(WorkItem item, string stage, Exception e)
    {
        item.Outcome = Outcome.Retry;
        metrics.TransientErrors.Add(1, new KeyValuePair<string, object?>("stage", stage));
        logger.LogWarning("Job {JobId}: {Stage} failed ({Error}); leaving the message for redelivery", item.Job?.Id, stage, e.Message);
    }
}
