using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Status;

/// <summary>
/// Cluster mode's status endpoints on the operator's HTTP port, read by the web tier's pool panel
/// (its <c>Pool:StatusUrl</c>): <c>GET /status</c> lists every pool, <c>GET /status/{namespace}/{name}</c>
/// answers one, as RecognitionPool documents with their status (the shape local mode's <c>/status</c> has).
/// </summary>
public static class PoolStatusApi
{
    public static IEndpointRouteBuilder MapPoolStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/status", (PoolStatusCache cache) => cache.HasSynced
            ? Results.Json(new RecognitionPoolList(cache.List()), EntityJson.Default.RecognitionPoolList)
            : NotSynced());
        endpoints.MapGet("/status/{namespace}/{name}", (string @namespace, string name, PoolStatusCache cache) =>
        {
            if (!cache.HasSynced) return NotSynced();
            return cache.Get(@namespace, name) is { } pool
                ? Results.Json(pool, EntityJson.Default.RecognitionPool)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such pool",
                    detail: $"There is no RecognitionPool {@namespace}/{name}.", extensions: new Dictionary<string, object?> { ["reason"] = "not-found" });
        });
        return endpoints;
    }

    private static IResult NotSynced() => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Pools not read yet", detail: "The operator has not listed the RecognitionPools yet; retry shortly.",
        extensions: new Dictionary<string, object?> { ["reason"] = "not-synced" });
}
