using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// Writes a watch as the real server does over HTTP/1.1: status 200, chunked, one JSON object per line
/// (<c>{"type":"MODIFIED","object":{…}}</c>), flushed per event, until timeoutSeconds, the client goes, or the server stops
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
/// </summary>
public static class WatchStreamer
{
    public static async Task StreamAsync(HttpContext context, WatchSubscription subscription, bool asTable, string? includeObject, TimeSpan? timeout, CancellationToken serverStopping)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = asTable ? TableConverter.ContentType : "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        if (timeout is { } limit) stop.CancelAfter(limit);
        try
        {
            while (await subscription.Events.WaitToReadAsync(stop.Token))
                while (subscription.Events.TryRead(out var change))
                {
                    var obj = change.Type is "ERROR" or "BOOKMARK" ? change.Object : Present(subscription.Type, change.Object, asTable, includeObject);
                    var line = new JsonObject { ["type"] = change.Type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
                    await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), stop.Token);
                    await context.Response.Body.FlushAsync(stop.Token);
                }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    private static JsonObject Present(ResourceType type, JsonObject obj, bool asTable, string? includeObject)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy["apiVersion"] = type.ApiVersion;
        return asTable ? TableConverter.Convert(type, [copy], null, includeObject) : copy;
    }
}
