using ImageRec.Common.Contracts;
using ImageRec.WebTier.Auth;
using ImageRec.WebTier.Submission;
using ImageRec.WebTier.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Apis;

/// <summary>
/// <c>POST /</c> with multipart field <c>inputFile</c>, answered with <c>text/plain</c>
/// <c>name:label</c> (file name without extension, a colon, the top-1 label): the contract of the
/// course harness that drives the classic image-recognition-on-AWS systems.
/// <para>The harness sends no token: the route is anonymous, its images belong to
/// <see cref="Owner.CourseHarness"/>, and it answers 404 unless <c>CourseHarness:Enabled</c> is true.</para>
/// </summary>
public static class CourseHarnessApi
{
    private static readonly string[] Fields = ["inputFile"];

    public static IEndpointConventionBuilder MapCourseHarnessApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/", ClassifyAsync).DisableAntiforgery().AllowAnonymous().RequireRateLimiting(UploadRateLimit.Policy).WithTags("Compatibility");

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ClassifyAsync(
        HttpRequest request, UploadReader reader, JobSubmitter submitter,
        IOptions<UploadOptions> options, IOptions<CourseHarnessOptions> harness, CancellationToken cancellationToken)
    {
        if (!harness.Value.Enabled)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The course-harness route is off",
                detail: "POST / is disabled here (CourseHarness:Enabled=false); use POST /v1/images with a bearer token.",
                extensions: new Dictionary<string, object?> { ["reason"] = "course-harness-disabled" });

        var (image, rejection) = await reader.ReadAsync(request, Fields, cancellationToken);
        if (rejection is not null) return rejection.ToProblem();
        using (image)
        {
            var result = await submitter.SubmitAsync(Owner.CourseHarness, image!, TimeSpan.FromSeconds(options.Value.LegacyWaitSeconds), cancellationToken);
            var name = Path.GetFileNameWithoutExtension(image!.FileName);
            return result.Status switch
            {
                JobStatus.Succeeded => TypedResults.Text($"{name}:{result.Labels[0].Label}", "text/plain"),
                JobStatus.Failed => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "The image could not be classified", detail: result.Error,
                    extensions: new Dictionary<string, object?> { ["reason"] = "classification-failed", ["id"] = result.Id }),
                _ => TypedResults.Problem(statusCode: StatusCodes.Status504GatewayTimeout,
                    title: "No result in time", detail: $"The image is queued as '{result.Id}' but no worker answered within {options.Value.LegacyWaitSeconds} s; GET /v1/images/{result.Id} later.",
                    extensions: new Dictionary<string, object?> { ["reason"] = "result-timeout", ["id"] = result.Id }),
            };
        }
    }
}
