using System.Globalization;
using System.Threading.RateLimiting;
using ImageRec.WebTier.Auth;

namespace ImageRec.WebTier.Uploads;

/// <summary>
/// ASP.NET Core's rate limiter on the upload routes: one token bucket per caller — the signed-in user,
/// or the client address for callers without a token (the course harness, <c>Auth:Mode=None</c>) — and
/// 429 with Retry-After and problem+json when it is empty. Runs after authentication.
/// </summary>
public static class UploadRateLimit
{
    public const string Policy = "uploads";

    public static IServiceCollection AddUploadRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(UploadRateLimitOptions.Section).Get<UploadRateLimitOptions>() ?? new UploadRateLimitOptions();
        return services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context => !options.Enabled
                ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetTokenBucketLimiter(CallerOf(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.UploadsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var problems = rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many uploads",
                        Detail = $"More than {options.UploadsPerSecond} uploads per second; retry after the time in Retry-After.",
                        Type = "https://imagerec.io/problems/rate-limited",
                        Extensions = { ["reason"] = "rate-limited" },
                    },
                });
            };
        });
    }

    /// <summary>Who is uploading: the signed-in user when there is one, otherwise the client address.</summary>
    private static string CallerOf(HttpContext context) =>
        Owner.SignedInUser(context.User) is { } user
            ? "user:" + user
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
