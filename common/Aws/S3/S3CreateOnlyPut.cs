using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace ImageRec.Common.Aws.S3;

/// <summary>
/// PutObject that only creates: with <c>If-None-Match: *</c> S3 stores the object only if no object has the key,
/// and answers 412 Precondition Failed otherwise, or 409 ConditionalRequestConflict while another write to the key
/// is in progress (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html,
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html). Of concurrent create-only
/// writes of one key exactly one is <see cref="CreateOnlyPutResult.Created"/>.
/// </summary>
public static class S3CreateOnlyPut
{
    /// <summary>User metadata naming the write that stored an object (see <see cref="PutIfAbsentAsync"/>).</summary>
    public const string WriteIdMetadataKey = "create-only-write-id";

    /// <summary>
    /// Stores <paramref name="request"/>'s object unless the key exists (it sets <c>IfNoneMatch</c> and adds
    /// <see cref="WriteIdMetadataKey"/> to its metadata).
    /// The SDK retries a PUT whose answer was lost (a dropped connection, a timeout); when the lost attempt had
    /// stored the object the retry gets 412 for its own write. So a 412 reads the object's write id back, and
    /// reports <see cref="CreateOnlyPutResult.Created"/> when it is this call's.
    /// </summary>
    public static async Task<CreateOnlyPutResult> PutIfAbsentAsync(this IAmazonS3 s3, PutObjectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var writeId = Guid.NewGuid().ToString("N");
        request.IfNoneMatch = "*";
        request.Metadata[WriteIdMetadataKey] = writeId;
        try
        {
            await s3.PutObjectAsync(request, cancellationToken);
            return CreateOnlyPutResult.Created;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return await StoredWriteIdAsync(s3, request.BucketName, request.Key, cancellationToken) == writeId
                ? CreateOnlyPutResult.Created
                : CreateOnlyPutResult.AlreadyExists;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return CreateOnlyPutResult.Conflict;
        }
    }

    /// <summary>The write id stored with the object, or null when it has none or is gone (deleted since the 412).</summary>
    private static async Task<string?> StoredWriteIdAsync(IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = (await s3.GetObjectMetadataAsync(bucket, key, cancellationToken)).Metadata;
            return metadata[WriteIdMetadataKey];
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
