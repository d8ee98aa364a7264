using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using ImageRec.Common.Contracts;
using ImageRec.WebTier.Auth;
using ImageRec.WebTier.Submission;
using ImageRec.WebTier.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Apis;

/// <summary>
/// <c>POST /v1/uploads</c>: an upload straight to S3 (issue 13). The caller gets a short-lived presigned PUT of its
/// image's key and PUTs the image there; the bucket's event makes the job, and <c>GET /v1/images/{id}</c> reads it as
/// any upload (<c>awaiting-upload</c> until the image is in S3). For large files and many images: the bytes never
/// pass through the web tier.
/// </summary>
public static class UploadsApi
{
    /// <summary>The types the web tier accepts (<see cref="UploadedImage.ContentType"/>): what the worker decodes.</summary>
    public static readonly IReadOnlyList<string> AcceptedTypes = ["image/jpeg", "image/png", "image/webp"];

    /// <summary>Longest file name kept for the listing.</summary>
    public const int MaxFileNameLength = 255;

    /// <summary>The web defaults (camelCase, case-insensitive), but a length must be a JSON number.</summary>
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.Strict };

    public sealed record UploadRequest(string? ContentType, long? ContentLength, string? FileName);

    /// <summary>What the client sends: <see cref="Method"/> <see cref="Url"/> with <see cref="Headers"/> and the image as the body.</summary>
    public sealed record PresignedUpload(string Id, Uri Url, string Method, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ExpiresAt);

    public static RouteGroupBuilder MapUploadsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/uploads").WithTags("Uploads").RequireAuthorization();
        group.MapPost("/", CreateAsync).DisableAntiforgery().RequireRateLimiting(UploadRateLimit.Policy);
        return group;
    }

    /// <summary>
    /// <c>POST /v1/uploads</c> with <c>{ "contentType", "contentLength"[, "fileName"] }</c>: 201 with the presigned PUT and
    /// Location <c>/v1/images/{id}</c>; 400 with the upload path's reason (<c>unsupported-type</c>, <c>file-too-large</c>,
    /// <c>empty-file</c>) or <c>invalid-upload-request</c>. The declared length is checked here, but S3 cannot bind it.
    /// </summary>
    public static async Task<Results<Created<PresignedUpload>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, DirectUploads uploads, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType()) return Invalid("Send the request as application/json.");
        UploadRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<UploadRequest>(request.Body, RequestJson, cancellationToken);
        }
        catch (JsonException e)
        {
            return Invalid($"The body is not an upload request: {e.Message}");
        }
        if (body is null) return Invalid("The body is not an upload request.");
        if (string.IsNullOrWhiteSpace(body.ContentType)) return Invalid("'contentType' is required.");
        var contentType = AcceptedTypes.FirstOrDefault(t => string.Equals(t, body.ContentType.Trim(), StringComparison.OrdinalIgnoreCase));
        if (contentType is null)
            return Refused(FailureReasons.UnsupportedType, $"'contentType' must be one of {string.Join(", ", AcceptedTypes)}; '{body.ContentType}' is not.");
        if (body.ContentLength is not { } length || length < 0) return Invalid("'contentLength' must be the image's size in bytes.");
        if (length == 0) return Refused("empty-file", "The image is empty ('contentLength' is 0).");
        if (length > options.Value.MaxBytes)
            return Refused(FailureReasons.FileTooLarge, $"The image is larger than the limit of {options.Value.MaxBytes} bytes.");
        var fileName = string.IsNullOrWhiteSpace(body.FileName) ? null : body.FileName;
        if (fileName is { Length: > MaxFileNameLength } || (fileName?.Any(char.IsControl) ?? false))
            return Invalid($"'fileName' must be at most {MaxFileNameLength} characters, without control characters.");

        var grant = await uploads.GrantAsync(Owner.From(user), contentType, length, fileName, cancellationToken);
        return TypedResults.Created($"/v1/images/{grant.Id}", new PresignedUpload(grant.Id, grant.Url, "PUT",
            new Dictionary<string, string> { ["Content-Type"] = grant.ContentType }, grant.ExpiresAt));
    }

    private static ProblemHttpResult Invalid(string detail) => Refused("invalid-upload-request", detail);

    /// <summary>400 whatever the reason: the request is JSON about an image, not the image (no 413 or 415 for a body that is neither).</summary>
    private static ProblemHttpResult Refused(string reason, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: "The upload request was rejected", detail: detail,
        type: $"https://imagerec.io/problems/{reason}",
        extensions: new Dictionary<string, object?> { ["reason"] = reason });
}
