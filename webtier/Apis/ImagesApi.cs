using ImageRec.Common.Contracts;
using ImageRec.WebTier.Jobs;
using ImageRec.WebTier.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Apis;

/// <summary>The v1 images API: upload an image for classification and read its result.</summary>
public static class ImagesApi
{
    /// <summary>Until sign-in arrives every image belongs to this owner.</summary>
    public const string AnonymousOwner = "anonymous";

    private static readonly string[] ImageFields = ["image", "inputFile", "file"];

    public static RouteGroupBuilder MapImagesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/images").WithTags("Images");
        group.MapPost("/", UploadAsync).DisableAntiforgery();
        group.MapGet("/{id}", GetAsync).WithName(nameof(GetAsync));
        return group;
    }

    /// <summary>
    /// <c>POST /v1/images[?wait=seconds]</c> with the image in multipart field <c>image</c>.
    /// Without <c>wait</c>: 202 and a Location to poll. With it: 200 and the result once it is there,
    /// or 202 when it is not ready within <c>wait</c> seconds.
    /// </summary>
    public static async Task<Results<Ok<RecognitionResult>, AcceptedAtRoute<RecognitionResult>, ProblemHttpResult>> UploadAsync(
        HttpRequest request, UploadReader reader, JobSubmitter submitter,
        IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        if (!TryParseWait(request.Query["wait"], options.Value.MaxWaitSeconds, out var wait))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query",
                detail: $"'wait' must be a whole number of seconds between 0 and {options.Value.MaxWaitSeconds}.",
                extensions: new Dictionary<string, object?> { ["reason"] = "invalid-wait" });

        var (image, rejection) = await reader.ReadAsync(request, ImageFields, cancellationToken);
        if (rejection is not null) return rejection.ToProblem();
        using (image)
        {
            var result = await submitter.SubmitAsync(AnonymousOwner, image!, wait, cancellationToken);
            return result.Status == JobStatus.Queued
                ? TypedResults.AcceptedAtRoute(result, nameof(GetAsync), new { id = result.Id })
                : TypedResults.Ok(result);
        }
    }

    /// <summary><c>GET /v1/images/{id}</c>: the result, <c>queued</c> while it is not there yet, or 404.</summary>
    public static async Task<Results<Ok<RecognitionResult>, ProblemHttpResult>> GetAsync(
        string id, ResultStore results, CancellationToken cancellationToken)
    {
        // Ids are UUIDs we minted; anything else cannot exist (and never reaches S3 as a key).
        if (!Guid.TryParseExact(id, "D", out _)) return NotFound(id);

        var result = await results.GetResultAsync(AnonymousOwner, id, cancellationToken);
        if (result is not null) return TypedResults.Ok(result);
        if (await results.InputExistsAsync(AnonymousOwner, id, cancellationToken))
            return TypedResults.Ok(new RecognitionResult { Id = id, Owner = AnonymousOwner, Status = JobStatus.Queued });
        return NotFound(id);
    }

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
