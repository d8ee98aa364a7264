using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Aws.S3;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.WebTier.Uploads;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Storage;

/// <summary>
/// The uploaded images in the input bucket, <c>{owner}/{id}</c> with their <see cref="StoredInput"/> metadata: the one
/// place in the web tier that reads or writes them.
/// </summary>
public sealed class InputStore(IAmazonS3 s3, IOptions<StorageOptions> storage)
{
    public string Bucket => storage.Value.InputBucket;

    public ObjectLocation Location(string owner, string id) => new(Bucket, StorageOptions.InputKey(owner, id));

    /// <summary>Where an indexed image is: <c>{owner}/{id}</c>, or the key of its own a pipeline wrote it under.</summary>
    public ObjectLocation Location(IndexedImage image) => new(Bucket, image.InputKey ?? StorageOptions.InputKey(image.Owner, image.Id));

    /// <summary>
    /// Stores <paramref name="image"/> as <paramref name="job"/>'s input. <paramref name="createOnly"/>: only if the
    /// key is free (S3 <c>If-None-Match: *</c>); false, with nothing stored, when another write holds it.
    /// </summary>
    public async Task<bool> StoreAsync(RecognitionJob job, UploadedImage image, string contentSha256, bool createOnly, CancellationToken cancellationToken)
    {
        using var content = image.OpenRead();
        var put = new PutObjectRequest
        {
            BucketName = job.Input.Bucket,
            Key = job.Input.Key,
            InputStream = content,
            ContentType = image.ContentType,
            UseChunkEncoding = false,
        };
        StoredInput.Describe(put.Metadata, job, contentSha256);
        if (createOnly) return await s3.PutIfAbsentAsync(put, cancellationToken) == CreateOnlyPutResult.Created;
        await s3.PutObjectAsync(put, cancellationToken);
        return true;
    }

    /// <summary>The metadata of the input stored at <c>{owner}/{id}</c> (a HEAD), or null when there is none.</summary>
    public Task<StoredInput?> ReadAsync(string owner, string id, CancellationToken cancellationToken) =>
        ReadAsync(owner, id, StorageOptions.InputKey(owner, id), cancellationToken);

    /// <summary>The metadata of image <paramref name="id"/>'s input stored at <paramref name="key"/>, or null when there is none.</summary>
    public async Task<StoredInput?> ReadAsync(string owner, string id, string key, CancellationToken cancellationToken)
    {
        try
        {
            return StoredInput.Read(owner, id, await s3.GetObjectMetadataAsync(Bucket, key, cancellationToken));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The image stored at <paramref name="input"/>, or null when there is none; dispose the response.</summary>
    public async Task<GetObjectResponse?> OpenAsync(ObjectLocation input, CancellationToken cancellationToken)
    {
        try
        {
            return await s3.GetObjectAsync(input.Bucket, input.Key, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// A presigned S3 PUT of <c>{owner}/{id}</c> that expires at <paramref name="expiresAt"/>. The Content-Type is
    /// signed: S3 refuses the PUT with another one. The length cannot be bound: a presigned PUT signs no
    /// Content-Length range (only a presigned POST policy's <c>content-length-range</c> can), so a client may store
    /// a larger object than it declared; the worker checks every input's size before it reads it, as it does for
    /// any object that arrives by an S3 event. No metadata either: what a client would send as <c>x-amz-meta-*</c>
    /// it could also forge; the index item holds what listing needs.
    /// With an endpoint override (<c>Aws:ServiceUrl</c>, the emulator) the URL points there, path-style.
    /// </summary>
    public async Task<Uri> PresignPutAsync(string owner, string id, string contentType, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = StorageOptions.InputKey(owner, id),
            Verb = HttpVerb.PUT,
            ContentType = contentType,
            Expires = expiresAt.UtcDateTime,
            // The SDK builds https URLs unless told otherwise; an http endpoint override (the emulator) keeps its scheme.
            Protocol = s3.Config.ServiceURL is { } url && url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS,
        };
        return new Uri(await s3.GetPreSignedURLAsync(request));
    }

    public Task DeleteAsync(ObjectLocation input, CancellationToken cancellationToken) =>
        s3.DeleteObjectAsync(input.Bucket, input.Key, cancellationToken);

    /// <summary>
    /// Every stored image: its owner, id and key (<see cref="InputKeys"/>: <c>{owner}/{id}</c> for the web tier's and
    /// presigned uploads, any <c>{owner}/{name}</c> a pipeline wrote). Keys of another shape are not images and skipped.
    /// </summary>
    public async IAsyncEnumerable<(string Owner, string Id, string Key)> ListAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var listing = s3.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = Bucket });
        await foreach (var o in listing.S3Objects.WithCancellation(cancellationToken))
        {
            if (InputKeys.TrySplit(o.Key, out var owner, out var name))
                yield return (owner, InputKeys.IdOf(o.Key, name), o.Key);
        }
    }
}
