using System.Net;
using System.Text.Json;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// One line of a watch stream: <c>{"type":"ADDED","object":{…}}</c>. ERROR events carry a Status and become
/// exceptions; code 410 means the resourceVersion expired
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#410-gone-responses).
/// </summary>
internal static class WatchEventParser
{
    public static WatchEvent<T> Parse<T>(string line, KubernetesResource<T> resource)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var type = root.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
        if (!root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"A {resource} watch event without an object: {type}.");
        }

        var eventType = type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => throw ErrorFor(obj),
            _ => throw new JsonException($"Unknown watch event type '{type}' on {resource}."),
        };
        var resourceVersion = obj.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("resourceVersion", out var rv)
            ? rv.GetString()
            : null;
        var value = obj.Deserialize(resource.TypeInfo) ?? throw new JsonException($"A null object in a {resource} watch event.");
        return new WatchEvent<T>(eventType, value, resourceVersion);
    }

    private static KubernetesApiException ErrorFor(JsonElement obj)
    {
        var status = obj.Deserialize(KubernetesJsonContext.Default.KubernetesStatus);
        var code = status?.Code is { } c && c > 0 ? (HttpStatusCode)c : HttpStatusCode.InternalServerError;
        if (status?.Reason is KubernetesStatusReasons.Expired or KubernetesStatusReasons.Gone)
        {
            code = HttpStatusCode.Gone;
        }

        return KubernetesApiException.Create(code, status);
    }
}
