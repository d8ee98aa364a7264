using System.Globalization;
using Amazon.S3.Model;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;

namespace ImageRec.WebTier.Storage;

/// <summary>
/// What is stored with an uploaded image as S3 user metadata: enough to answer a retried upload
/// (<see cref="ContentSha256"/> tells the same image from another under the same idempotency key) and to rebuild
/// its job and index item from S3 alone (<see cref="IndexRebuild"/>). The owner and the id are the object key
/// (<c>{owner}/{id}</c>). Inputs stored before a field existed read it as null.
/// </summary>
public sealed record StoredInput(string Owner, string Id, string? FileName, DateTimeOffset SubmittedAt, string? Traceparent, string? ContentSha256, long Size)
{
    private const string FileNameKey = "file-name";
    private const string SubmittedAtKey = "submitted-at";
    private const string TraceparentKey = "traceparent";
    private const string ContentSha256Key = "content-sha256";

    /// <summary>Adds the job's fields to the upload's metadata (values escaped: S3 metadata is ASCII).</summary>
    public static void Describe(MetadataCollection metadata, RecognitionJob job, string contentSha256)
    {
        metadata[FileNameKey] = Uri.EscapeDataString(job.FileName ?? "");
        metadata[SubmittedAtKey] = job.SubmittedAt.ToString("O", CultureInfo.InvariantCulture);
        if (job.Traceparent is not null) metadata[TraceparentKey] = job.Traceparent;
        metadata[ContentSha256Key] = contentSha256;
    }

    /// <summary>The input an object's metadata describes; an input stored without its time is dated by S3's.</summary>
    public static StoredInput Read(string owner, string id, GetObjectMetadataResponse response)
    {
        var metadata = response.Metadata;
        return new StoredInput(owner, id,
            metadata[FileNameKey] is { Length: > 0 } name ? Uri.UnescapeDataString(name) : null,
            DateTimeOffset.TryParse(metadata[SubmittedAtKey], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                ? at
                : new DateTimeOffset((response.LastModified ?? DateTime.UnixEpoch).ToUniversalTime()),
            metadata[TraceparentKey] is { Length: > 0 } trace ? trace : null,
            metadata[ContentSha256Key] is { Length: > 0 } hash ? hash : null,
            response.ContentLength);
    }

    /// <summary>The job this input was uploaded for, as it would have been enqueued with nobody waiting for a reply.</summary>
    public RecognitionJob ToJob(string bucket) => new()
    {
        Id = Id,
        Owner = Owner,
        Input = new ObjectLocation(bucket, StorageOptions.InputKey(Owner, Id)),
        SubmittedAt = SubmittedAt,
        Traceparent = Traceparent,
        FileName = FileName,
    };

    /// <summary>How the upload is reported while its job has no result yet.</summary>
    public RecognitionResult Queued() => new() { Id = Id, Owner = Owner, Status = JobStatus.Queued, FileName = FileName };
}
