using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Status;

/// <summary>
/// The status endpoints of both modes on the operator's HTTP port, read by the web tier's pool panel
/// (its <c>Pool:StatusUrl</c>): <c>GET /status</c> lists every pool (a local operator answers its one pool),
/// <c>GET /status/{namespace}/{name}</c> answers one, as RecognitionPool documents with their status.
/// </summary>
public static class PoolStatusApi
{
    public static IEndpointRouteBuilder MapPoolStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/status", (IPoolStatusSource pools) =>
        {
            if (!pools.HasSynced) return NotSynced();
            if (pools.OnlyPool is { } only) return Results.Json(only, EntityJson.Default.RecognitionPool);
            return Results.Json(new RecognitionPoolList { Items = [.. pools.List()] }, EntityJson.Default.RecognitionPoolList);
        });
        endpoints.MapGet("/status/{namespace}/{name}", (string @namespace, string name, IPoolStatusSource pools) =>
        {
            if (!pools.HasSynced) return NotSynced();
            return pools.Get(@namespace, name) is { } pool
                ? Results.Json(pool, EntityJson.Default.RecognitionPool)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such pool",
                    detail: $"There is no RecognitionPool {@namespace}/{name}.", extensions: new Dictionary<string, object?> { ["reason"] = "not-found" });
        });
        return endpoints;
    }

    private static IResult NotSynced() => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Pools not read yet", detail: "The operator has not read the RecognitionPools yet; retry shortly.",
        extensions: new Dictionary<string, object?> { ["reason"] = "not-synced" });
}
