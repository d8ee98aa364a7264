using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Common.Observability;
using ImageRec.WebTier.Uploads;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Jobs;

/// <summary>
/// Turns an accepted upload into a job: stores the image as <c>{owner}/{id}</c> in the input bucket,
/// enqueues the job, and (when asked to wait) waits for the reply, falling back to the result
/// object in S3 when the reply does not come in time.
/// An upload either becomes a job the caller gets the id of, or leaves nothing behind: when storing or
/// enqueueing fails, the caller gets an error and the stored image is discarded.
/// </summary>
public sealed class JobSubmitter(
    IAmazonS3 s3,
    ISqsClient sqs,
    RequestQueue requestQueue,
    ReplyQueue replies,
    ResultStore results,
    AbandonedUploads abandoned,
    IOptions<StorageOptions> storage,
    WebTierMetrics metrics,
    TimeProvider time)
{
    public async Task<RecognitionResult> SubmitAsync(string owner, UploadedImage image, TimeSpan wait, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString();
        // A producer span for the job; the worker's span continues its trace (traceparent in the message).
        using var activity = Tracing.Source.StartActivity("imagerec.job.submit", ActivityKind.Producer);
        activity?.SetTag("imagerec.job.id", id);
        var job = new RecognitionJob
        {
            Id = id,
            Owner = owner,
            Input = new ObjectLocation(storage.Value.InputBucket, StorageOptions.InputKey(owner, id)),
            ReplyTo = wait > TimeSpan.Zero ? replies.Url : null,
            SubmittedAt = time.GetUtcNow(),
            Traceparent = Tracing.CurrentOrNewTraceparent(),
            FileName = image.FileName,
        };

        var queued = new RecognitionResult { Id = id, Owner = owner, Status = JobStatus.Queued, FileName = image.FileName };
        // Registered before the job is sent, or a fast worker's reply could arrive first and be dropped.
        using var registration = wait > TimeSpan.Zero ? replies.Register(id) : null;
        await StoreAndEnqueueAsync(job, image, cancellationToken);
        if (registration is null) return queued;

        var waitStarted = Stopwatch.GetTimestamp();
        var (result, via) = await WaitForResultAsync(registration, owner, id, wait, cancellationToken);
        metrics.ResultWaitSeconds.Record(Stopwatch.GetElapsedTime(waitStarted).TotalSeconds, new KeyValuePair<string, object?>("via", via));
        return result ?? queued;
    }

    private async Task StoreAndEnqueueAsync(RecognitionJob job, UploadedImage image, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using (var content = image.OpenRead())
            {
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = job.Input.Bucket,
                    Key = job.Input.Key,
                    InputStream = content,
                    ContentType = image.ContentType,
                    UseChunkEncoding = false,
                    Metadata = { ["file-name"] = Uri.EscapeDataString(image.FileName) },
                }, cancellationToken);
            }
            await sqs.SendMessageAsync(await requestQueue.UrlAsync(cancellationToken), ContractSerializer.Serialize(job), delaySeconds: null, cancellationToken);
        }
        catch
        {
            // Whatever broke (the store, the enqueue, or only its answer), the caller hears the upload
            // failed and will upload again: this attempt's image must not stay behind.
            abandoned.Discard(job.Owner, job.Id);
            throw;
        }
        metrics.StoreSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
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
        catch (Exception e) when (DependencyErrors.IsDependencyFailure(e, cancellationToken))
        {
            // The job is queued: an error now would make the caller upload it a second time. It gets
            // 202 and the id to poll instead.
            return (null, "timeout");
        }
    }
}
