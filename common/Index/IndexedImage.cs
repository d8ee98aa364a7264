using ImageRec.Common.Contracts;

namespace ImageRec.Common.Index;

/// <summary>
/// One image as the index holds it: what listing, filtering and the stalled-job sweeper need, without reading S3.
/// S3 keeps the image and its full result (timings, the worker's trace); everything here can be rebuilt from them
/// (<see cref="FromStorage"/>), which is how <c>imagerec-webtier reindex</c> rebuilds the index.
/// </summary>
/// <param name="UploadedAt">When the web tier accepted the upload: the job's SubmittedAt, also kept in the input's S3 metadata.</param>
/// <param name="Size">The image's size in bytes.</param>
/// <param name="ContentSha256">The image's SHA-256 (hex): tells a retried upload with an Idempotency-Key from another image.</param>
/// <param name="Traceparent">The upload's trace context, for a job the sweeper queues again.</param>
/// <param name="InputKey">Where the image is in the input bucket when that is not <c>{owner}/{id}</c>: a file a pipeline
/// wrote under the owner's prefix with a name of its own (its id is derived from the key).</param>
public sealed record IndexedImage(
    string Owner,
    string Id,
    DateTimeOffset UploadedAt,
    JobStatus Status,
    string? FileName = null,
    long? Size = null,
    string? ContentSha256 = null,
    string? Traceparent = null,
    string? InputKey = null)
{
    public IReadOnlyList<LabelScore> Labels { get; init; } = [];
    public ModelInfo? Model { get; init; }
    public string? Error { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The image of a job just uploaded, waiting for a worker.</summary>
    public static IndexedImage Queued(RecognitionJob job, long size, string? contentSha256) =>
        new(job.Owner, job.Id, job.SubmittedAt, JobStatus.Queued, job.FileName, size, contentSha256, job.Traceparent);

    /// <summary>
    /// The item the live index holds for an input (and its result, when a worker wrote one): the web tier's queued
    /// item with the worker's completion applied. Built from S3 alone, so a rebuilt index equals the live one.
    /// </summary>
    public static IndexedImage FromStorage(RecognitionJob job, long size, string? contentSha256, RecognitionResult? result)
    {
        var queued = Queued(job, size, contentSha256);
        return result is null ? queued : queued.CompletedWith(result);
    }

    /// <summary>This image once <paramref name="result"/> is its outcome (what the worker's completion writes).</summary>
    public IndexedImage CompletedWith(RecognitionResult result) => this with
    {
        Status = result.Status,
        Labels = result.Labels,
        Model = result.Model,
        Error = result.Error,
        Reason = result.Reason,
        CompletedAt = result.CompletedAt,
    };

    /// <summary>The label the image is found under by a label filter: its top label, once it succeeded.</summary>
    public string? IndexedLabel => Status == JobStatus.Succeeded && Labels.Count > 0 ? Labels[0].Label : null;

    /// <summary>How the API shows the image in a list (no timings or trace: those are in the result in S3).</summary>
    public RecognitionResult ToResult() => new()
    {
        Id = Id,
        Owner = Owner,
        Status = Status,
        Labels = Labels,
        Model = Model,
        Error = Error,
        Reason = Reason,
        FileName = FileName,
        CompletedAt = CompletedAt,
    };
}
