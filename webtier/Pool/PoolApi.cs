using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Pool;

/// <summary><c>GET /v1/pool</c>: the worker pool's replicas and queue depth, as the operator reports them.</summary>
public static class PoolApi
{
    public static IServiceCollection AddPoolStatus(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PoolOptions>(configuration.GetSection(PoolOptions.Section));
        services.AddHttpClient<PoolStatusReader>((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<PoolOptions>>().Value.Timeout);
        return services;
    }

    public static RouteGroupBuilder MapPoolApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/pool").WithTags("Pool").RequireAuthorization();
        group.MapGet("/", GetAsync);
        return group;
    }

    /// <summary>The status, or 503 problem+json when the operator cannot tell (unset, unreachable, slow, no such pool).</summary>
    public static async Task<Results<Ok<PoolStatus>, ProblemHttpResult>> GetAsync(PoolStatusReader reader, HttpResponse response, CancellationToken cancellationToken)
    {
        var (status, failure) = await reader.ReadAsync(cancellationToken);
        if (status is not null) return TypedResults.Ok(status);
        response.Headers.RetryAfter = "5";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Pool status unavailable",
            detail: failure!.Detail, type: $"https://imagerec.io/problems/{failure.Reason}",
            extensions: new Dictionary<string, object?> { ["reason"] = failure.Reason });
    }
}
