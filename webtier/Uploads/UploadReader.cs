using System.Buffers;
using ImageRec.Common.Imaging;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImageRec.WebTier.Uploads;

/// <summary>
/// Reads the image part of a multipart/form-data request and judges it before anything is stored, from its
/// bytes and header only (never decoding pixels): size (413), empty (400), format from the content's magic
/// bytes (415: not an image, or an image format we do not decode), header readable (400), and what
/// <see cref="ImageHeaderPolicy"/> refuses — too many pixels, animation (422), JPEG codings we cannot decode
/// (415). The declared Content-Type and the file name are never used to judge or to store the image: the
/// content decides. Streams the part into a pooled buffer that grows as needed and stops reading one byte
/// past the limit, so an oversized upload costs at most the limit in memory.
/// </summary>
public sealed class UploadReader(IOptions<UploadOptions> options, WebTierMetrics metrics, ILogger<UploadReader> logger)
{
    private const int InitialBufferBytes = 64 * 1024;

    /// <summary>Either the image, or why it was rejected. Counts the outcome in <c>imagerec_webtier_uploads_total</c>.</summary>
    public async Task<(UploadedImage? Image, UploadRejection? Rejection)> ReadAsync(
        HttpRequest request, IReadOnlyCollection<string> fieldNames, CancellationToken cancellationToken)
    {
        var (image, rejection) = await ReadUploadAsync(request, fieldNames, cancellationToken);
        metrics.Uploads.Add(1, new KeyValuePair<string, object?>("outcome", rejection?.Reason ?? "accepted"));
        if (rejection is not null)
            logger.LogInformation("Upload rejected with {Status} {Reason}: {Detail}", rejection.Status, rejection.Reason, rejection.Detail);
        return (image, rejection);
    }

    private async Task<(UploadedImage? Image, UploadRejection? Rejection)> ReadUploadAsync(
        HttpRequest request, IReadOnlyCollection<string> fieldNames, CancellationToken cancellationToken)
    {
        var boundary = MultipartBoundary(request.ContentType);
        if (boundary is null) return (null, UploadRejection.MissingFile(fieldNames.First()));
        try
        {
            return await ReadFileSectionAsync(request, boundary, fieldNames, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own body limit (a little above ours) tripped first: same answer.
            return (null, UploadRejection.TooLarge(options.Value.MaxBytes));
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // A body that ends before its closing boundary, or multipart framing that does not parse.
            return (null, UploadRejection.MalformedForm(e.Message));
        }
    }

    private async Task<(UploadedImage? Image, UploadRejection? Rejection)> ReadFileSectionAsync(
        HttpRequest request, string boundary, IReadOnlyCollection<string> fieldNames, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.IsFileDisposition()
                || !fieldNames.Contains(HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? ""))
                continue;

            var fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "")
                is { Length: > 0 } name ? name : "upload";
            return await ReadImageAsync(section.Body, fileName, cancellationToken);
        }
        return (null, UploadRejection.MissingFile(fieldNames.First()));
    }

    private async Task<(UploadedImage?, UploadRejection?)> ReadImageAsync(Stream body, string fileName, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limits.MaxBytes) return Reject(UploadRejection.TooLarge(limits.MaxBytes));
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limits.MaxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0) break;
                length += read;
            }
            if (length > limits.MaxBytes) return Reject(UploadRejection.TooLarge(limits.MaxBytes));
            if (length == 0) return Reject(UploadRejection.Empty());

            var content = buffer.AsSpan(0, length);
            var status = ImageHeaderReader.Read(content, out var header);
            if (status == ImageHeaderStatus.UnsupportedFormat)
                return Reject(UploadRejection.Refused(ForeignImageFormat.Identify(content) is { } name
                    ? ImageHeaderPolicy.UnsupportedFormat(name)
                    : ImageHeaderPolicy.UnsupportedType()));
            if (status != ImageHeaderStatus.Ok)
                return Reject(UploadRejection.CorruptHeader(ImageHeaderReader.Describe(status, ImageHeaderReader.DetectFormat(content))));
            if (ImageHeaderPolicy.Judge(header, limits.MaxPixels) is { } refusal)
                return Reject(UploadRejection.Refused(refusal));

            var image = new UploadedImage(fileName, buffer, length, header);
            buffer = null!; // owned by the image now
            return (image, null);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }

        static (UploadedImage?, UploadRejection?) Reject(UploadRejection rejection) => (null, rejection);
    }

    private static string? MultipartBoundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return null;
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrWhiteSpace(boundary) ? null : boundary;
    }
}
