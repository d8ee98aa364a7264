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
/// </summary>
public sealed class JobSubmitter(
    IAmazonS3 s3,
    ISqsClient sqs,
    RequestQueue requestQueue,
    ReplyQueue replies,
    ResultStore results,
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

        var started = Stopwatch.GetTimestamp();
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

        var queued = new RecognitionResult { Id = id, Owner = owner, Status = JobStatus.Queued, FileName = image.FileName };
        if (wait <= TimeSpan.Zero)
        {
            await sqs.SendMessageAsync(await requestQueue.UrlAsync(cancellationToken), ContractSerializer.Serialize(job), delaySeconds: null, cancellationToken);
            metrics.StoreSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return queued;
        }

        using var registration = replies.Register(id);
        await sqs.SendMessageAsync(await requestQueue.UrlAsync(cancellationToken), ContractSerializer.Serialize(job), delaySeconds: null, cancellationToken);
        metrics.StoreSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);

        var waitStarted = Stopwatch.GetTimestamp();
        string via;
        RecognitionResult? result;
        try
        {
            result = await registration.Reply.WaitAsync(wait, time, cancellationToken);
            via = "reply";
        }
        catch (TimeoutException)
        {
            result = await results.GetResultAsync(owner, id, cancellationToken);
            via = result is null ? "timeout" : "s3";
        }
        metrics.ResultWaitSeconds.Record(Stopwatch.GetElapsedTime(waitStarted).TotalSeconds, new KeyValuePair<string, object?>("via", via));
        return result ?? queued;
    }
}
