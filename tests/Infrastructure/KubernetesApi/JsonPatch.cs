using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>JSON patch (RFC 6902, application/json-patch+json): add, remove, replace, move, copy, test on JSON pointers (RFC 6901).</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = operation["op"]?.GetValue<string>();
            var path = operation["path"]?.GetValue<string>() ?? throw KubernetesStatus.BadRequest("json patch operation without path");
            switch (op)
            {
                case "add": Add(document, path, operation["value"]?.DeepClone()); break;
                case "remove": Remove(document, path); break;
                case "replace": Remove(document, path); Add(document, path, operation["value"]?.DeepClone()); break;
                case "move": { var from = operation["from"]!.GetValue<string>(); var value = Get(document, from); Remove(document, from); Add(document, path, value?.DeepClone()); break; }
                case "copy": Add(document, path, Get(document, operation["from"]!.GetValue<string>())?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), operation["value"]))
                        throw new KubernetesApiException(KubernetesStatus.Failure(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed"));
                    break;
                default: throw KubernetesStatus.BadRequest($"Unexpected kind: {op}");
            }
        }
        return document;
    }

    private static string[] Segments(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static JsonNode? Get(JsonNode document, string pointer)
    {
        JsonNode? node = document;
        foreach (var segment in Segments(pointer))
            node = node switch
            {
                JsonObject o when o.ContainsKey(segment) => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i < a.Count => a[i],
                _ => throw Missing(pointer),
            };
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string pointer)
    {
        var segments = Segments(pointer);
        if (segments.Length == 0) throw KubernetesStatus.BadRequest("json patch cannot replace the whole document");
        var parent = Get(document, "/" + string.Join('/', segments[..^1].Select(s => s.Replace("~", "~0").Replace("/", "~1"))));
        if (segments.Length == 1) parent = document;
        return (parent ?? throw Missing(pointer), segments[^1]);
    }

    private static void Add(JsonNode document, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(document, pointer);
        if (parent is JsonObject o) o[last] = value;
        else if (parent is JsonArray a)
        {
            if (last == "-") a.Add(value);
            else if (int.TryParse(last, out var i) && i <= a.Count) a.Insert(i, value);
            else throw Missing(pointer);
        }
        else throw Missing(pointer);
    }

    private static void Remove(JsonNode document, string pointer)
    {
        var (parent, last) = Parent(document, pointer);
        if (parent is JsonObject o && o.Remove(last)) return;
        if (parent is JsonArray a && int.TryParse(last, out var i) && i < a.Count) { a.RemoveAt(i); return; }
        throw Missing(pointer);
    }

    private static KubernetesApiException Missing(string pointer) =>
        new(KubernetesStatus.Failure(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{pointer}\""));
}
