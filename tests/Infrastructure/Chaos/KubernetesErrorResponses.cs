using System.Text;
using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// The Kubernetes API server's failures as a <see cref="FaultProxy"/> in front of the API double answers them,
/// shaped like the real server's (a <c>Status</c> body, https://kubernetes.io/docs/reference/using-api/api-concepts/#response-status-kind),
/// so clients take their real error paths: a 500 InternalError, and a watch whose resourceVersion is too
/// old — 410 Gone, reason Expired — which a client must answer by listing again
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#410-gone-responses).
/// </summary>
public static class KubernetesErrorResponses
{
    /// <summary>500 InternalError, as the server answers when its storage fails.</summary>
    public static Task WriteInternalErrorAsync(HttpContext context) =>
        WriteStatusAsync(context, KubernetesStatus.Failure(500, "InternalError", "Internal error occurred: injected by the fault proxy"));

    /// <summary>
    /// Answers a watch as expired, in turn in both forms clients meet: the HTTP status 410 with a Status body,
    /// and — what the watch cache sends — 200 with a single <c>ERROR</c> event carrying the 410 Status, then
    /// the end of the stream. Each call gives a writer with its own turn, so a run is repeatable.
    /// </summary>
    public static Func<HttpContext, Task> ExpiredWatch()
    {
        var turn = 0L;
        return context =>
        {
            var status = KubernetesStatus.Failure(410, "Expired", "too old resource version: injected by the fault proxy");
            return Interlocked.Increment(ref turn) % 2 == 1 ? WriteStatusAsync(context, status) : WriteErrorEventAsync(context, status);
        };
    }

    private static async Task WriteStatusAsync(HttpContext context, JsonObject status)
    {
        context.Response.StatusCode = status["code"]!.GetValue<int>();
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(status.ToJsonString()), context.RequestAborted);
    }

    private static async Task WriteErrorEventAsync(HttpContext context, JsonObject status)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var line = new JsonObject { ["type"] = "ERROR", ["object"] = status }.ToJsonString() + "\n";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), context.RequestAborted);
    }
}
