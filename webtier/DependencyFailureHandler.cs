using ImageRec.Common.Aws;
using Microsoft.AspNetCore.Diagnostics;

namespace ImageRec.WebTier;

/// <summary>
/// S3, DynamoDB (the image index) or SQS failing under a request for a reason that usually passes (<see cref="TransientAwsErrors"/>) is not the
/// client's fault: answer 503 with Retry-After and a problem+json body instead of a bare 500. Nothing was enqueued without its image
/// being stored first, so retrying is safe.
/// </summary>
public sealed class DependencyFailureHandler(IProblemDetailsService problems, ILogger<DependencyFailureHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientAwsErrors.IsTransient(exception, context.RequestAborted))
            return false;

        logger.LogWarning("Request failed on a dependency: {Error}", exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "2";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage, index or queue unavailable",
                Detail = "The image could not be stored, indexed or queued right now; retry shortly.",
                Type = "https://imagerec.io/problems/dependency-unavailable",
                Extensions = { ["reason"] = "dependency-unavailable" },
            },
        });
    }
}
