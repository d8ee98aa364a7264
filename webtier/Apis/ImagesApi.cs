using System.Security.Claims;
using ImageRec.Common.Contracts;
using ImageRec.WebTier.Auth;
using ImageRec.WebTier.Storage;
using ImageRec.WebTier.Submission;
using ImageRec.WebTier.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Apis;

/// <summary>
/// The v1 images API: upload an image for classification and read its result. Every route works on the
/// caller's own images (<see cref="Owner.From"/>); another user's id is answered like an unknown one, 404.
/// </summary>
public static class ImagesApi
{
    private static readonly string[] ImageFields = ["image", "inputFile", "file"];

    public static RouteGroupBuilder MapImagesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/images").WithTags("Images").RequireAuthorization();
        group.MapPost("/", UploadAsync).DisableAntiforgery().RequireRateLimiting(UploadRateLimit.Policy);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync).WithName(nameof(GetAsync));
        group.MapGet("/{id}/content", GetContentAsync);
        group.MapDelete("/{id}", DeleteAsync);
        return group;
    }

    /// <summary>
    /// <c>POST /v1/images[?wait=seconds]</c> with the image in multipart field <c>image</c>.
    /// Without <c>wait</c>: 202 and a Location to poll. With it: 200 and the result once it is there,
    /// or 202 when it is not ready within <c>wait</c> seconds. An <c>Idempotency-Key</c> header makes a retry
    /// answer for the first attempt's job (<see cref="IdempotencyKey"/>).
    /// </summary>
    public static async Task<Results<Ok<RecognitionResult>, AcceptedAtRoute<RecognitionResult>, ProblemHttpResult>> UploadAsync(
        HttpRequest request, ClaimsPrincipal user, UploadReader reader, JobSubmitter submitter,
        IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        if (!TryParseWait(request.Query["wait"], options.Value.MaxWaitSeconds, out var wait)) return InvalidWait(options.Value);

        var (key, invalidKey) = IdempotencyKey.Read(request.Headers);
        if (invalidKey is not null) return invalidKey.ToProblem();

        var (image, rejection) = await reader.ReadAsync(request, ImageFields, cancellationToken);
        if (rejection is not null) return rejection.ToProblem();
        using (image)
        {
            var (result, refused) = key is null
                ? (await submitter.SubmitAsync(Owner.From(user), image!, wait, cancellationToken), null)
                : await submitter.SubmitOnceAsync(Owner.From(user), image!, key, wait, cancellationToken);
            if (refused is not null) return refused.ToProblem();
            return result!.Status == JobStatus.Queued
                ? TypedResults.AcceptedAtRoute(result, nameof(GetAsync), new { id = result.Id })
                : TypedResults.Ok(result);
        }
    }

    /// <summary>
    /// <c>GET /v1/images/{id}[?wait=seconds]</c>: the result, <c>queued</c> (or <c>awaiting-upload</c>, a presigned
    /// upload not in S3 yet) while it is not there yet, or 404. With <c>wait</c>: an unfinished image is read again until it
    /// finishes or <c>wait</c> seconds (at most Uploads:MaxWaitSeconds) pass, then answered as it is then.
    /// </summary>
    public static async Task<Results<Ok<RecognitionResult>, ProblemHttpResult>> GetAsync(
        string id, HttpRequest request, ClaimsPrincipal user, ImageCatalog catalog, IOptions<UploadOptions> options,
        CancellationToken cancellationToken)
    {
        if (!TryParseWait(request.Query["wait"], options.Value.MaxWaitSeconds, out var wait)) return InvalidWait(options.Value);
        // Ids are UUIDs we minted; anything else cannot exist (and never reaches S3 or the index as a key).
        if (!Guid.TryParseExact(id, "D", out _)) return NotFound(id);
        return await catalog.WaitAsync(Owner.From(user), id, wait, cancellationToken) is { } result ? TypedResults.Ok(result) : NotFound(id);
    }

    public sealed record ImageList(IReadOnlyList<RecognitionResult> Items, string? NextCursor);

    /// <summary>
    /// <c>GET /v1/images?label=&amp;cursor=&amp;limit=</c>: the caller's images, newest first, with their labels;
    /// <c>label</c> keeps those classified as that label (their top label, case-insensitive: docs/image-index.md says
    /// why); pass <c>nextCursor</c> back as <c>cursor</c>. One index Query per page.
    /// </summary>
    public static async Task<Results<Ok<ImageList>, ProblemHttpResult>> ListAsync(
        string? label, string? cursor, int? limit, ClaimsPrincipal user, ImageCatalog catalog, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > ImageCatalog.MaxPageSize)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query",
                detail: $"'limit' must be between 1 and {ImageCatalog.MaxPageSize}.",
                extensions: new Dictionary<string, object?> { ["reason"] = "invalid-limit" });
        if (cursor is not null && !ImageCatalog.IsCursor(cursor))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query",
                detail: "'cursor' must be a nextCursor from a previous page.",
                extensions: new Dictionary<string, object?> { ["reason"] = "invalid-cursor" });
        var page = await catalog.ListAsync(Owner.From(user), string.IsNullOrWhiteSpace(label) ? null : label, cursor, limit ?? 20, cancellationToken);
        return TypedResults.Ok(new ImageList(page.Items, page.NextCursor));
    }

    /// <summary><c>GET /v1/images/{id}/content</c>: the uploaded image as it was stored.</summary>
    public static async Task<IResult> GetContentAsync(string id, ClaimsPrincipal user, ImageCatalog catalog, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(id, "D", out _)) return NotFound(id);
        var content = await catalog.OpenContentAsync(Owner.From(user), id, cancellationToken);
        if (content is null) return NotFound(id);
        context.Response.RegisterForDispose(content);
        return TypedResults.Stream(content.ResponseStream, content.Headers.ContentType ?? "application/octet-stream");
    }

    /// <summary>
    /// <c>DELETE /v1/images/{id}</c>: removes the caller's image and its result; 204 when the image was
    /// there, 404 when the caller has no such image (never had it, already deleted it, or it is someone
    /// else's). Repeating a delete changes nothing.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ClaimsPrincipal user, ImageCatalog catalog, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(id, "D", out _)) return NotFound(id);
        return await catalog.DeleteAsync(Owner.From(user), id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);
    }

    private static ProblemHttpResult InvalidWait(UploadOptions options) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: "Invalid query",
        detail: $"'wait' must be a whole number of seconds between 0 and {options.MaxWaitSeconds}.",
        extensions: new Dictionary<string, object?> { ["reason"] = "invalid-wait" });

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "No such image",
        detail: $"There is no image with id '{id}'.",
        extensions: new Dictionary<string, object?> { ["reason"] = "not-found" });

    internal static bool TryParseWait(string? value, int max, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (string.IsNullOrEmpty(value)) return true;
        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            return false;
        wait = TimeSpan.FromSeconds(Math.Min(seconds, max));
        return true;
    }
}
