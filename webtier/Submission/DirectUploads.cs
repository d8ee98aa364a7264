using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.WebTier.Storage;
using ImageRec.WebTier.Uploads;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Submission;

/// <summary>
/// Uploads that go straight to S3 (<c>POST /v1/uploads</c>): a fresh id, its index item as
/// <see cref="JobStatus.AwaitingUpload"/>, and a presigned PUT of <c>{owner}/{id}</c> in the input bucket. The web
/// tier sends no job: the bucket's event notification on the request queue does once the image is there, and the
/// <see cref="StalledJobSweeper"/> sends it when that event is lost, or drops the item when the upload never came.
/// </summary>
public sealed class DirectUploads(InputStore inputs, ImageIndex index, IOptions<UploadOptions> options, TimeProvider time, ILogger<DirectUploads> logger)
{
    /// <summary>A presigned upload: PUT the image to <paramref name="Url"/> with Content-Type <paramref name="ContentType"/> before <paramref name="ExpiresAt"/>.</summary>
    public sealed record Grant(string Id, Uri Url, string ContentType, DateTimeOffset ExpiresAt);

    /// <summary>How long a presigned URL is valid (<see cref="UploadOptions.PresignedUrlSeconds"/>).</summary>
    public TimeSpan UrlLifetime => TimeSpan.FromSeconds(options.Value.PresignedUrlSeconds);

    /// <param name="contentType">One the web tier accepts, as it is to be sent (it is signed).</param>
    /// <param name="contentLength">The declared size, kept in the index item (S3 cannot hold the client to it: <see cref="InputStore.PresignPutAsync"/>).</param>
    public async Task<Grant> GrantAsync(string owner, string contentType, long contentLength, string? fileName, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString();
        var now = time.GetUtcNow();
        // Whole seconds: the signature counts X-Amz-Expires in whole seconds from its X-Amz-Date (the signer's own second),
        // so the URL expires at this time or up to a second before, never after what the client is told.
        var expiresAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero) + UrlLifetime;
        // Indexed before the URL is handed out: the image's event may reach a worker at once, and its completion is
        // recorded only over an unfinished item. A failure here (503) leaves nothing a client could upload to.
        await index.AddAsync(new IndexedImage(owner, id, now, JobStatus.AwaitingUpload, fileName, contentLength), cancellationToken);
        var url = await inputs.PresignPutAsync(owner, id, contentType, expiresAt, cancellationToken);
        logger.LogInformation("Presigned upload {JobId} for {Owner}: {ContentType}, {Length} bytes declared, until {ExpiresAt:O}", id, owner, contentType, contentLength, expiresAt);
        return new Grant(id, url, contentType, expiresAt);
    }
}
