using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// Strategic merge patch (application/strategic-merge-patch+json, what kubectl label/annotate/edit send), simplified:
/// it is a JSON merge patch except that lists of objects that all carry a <c>name</c> (containers, env, volumes, ports
/// with names) merge by name and honour <c>$patch: delete</c> / <c>$patch: replace</c>; other <c>$</c> directives
/// (<c>$setElementOrder</c>, <c>$retainKeys</c>, <c>$deleteFromPrimitiveList</c>) are ignored. The real server reads each
/// field's patch strategy and merge key from the Go types (https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/).
/// </summary>
public static class StrategicMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is JsonArray patchArray) return MergeList(target as JsonArray, patchArray);
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var directive = patchObject["$patch"]?.GetValue<string>();
        if (directive == "replace") return WithoutDirectives(patchObject);
        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (key.StartsWith('$')) continue;
            if (value is null) result.Remove(key);
            else result[key] = Apply(result[key], value);
        }
        return result;
    }

    private static JsonNode MergeList(JsonArray? target, JsonArray patch)
    {
        static bool Named(JsonArray a) => a.Count > 0 && a.All(e => e is JsonObject o && o["name"] is JsonValue);
        if (target is null || !Named(patch) || (target.Count > 0 && !Named(target))) return WithoutDirectives(patch);
        var merged = target.Select(e => e!.DeepClone()).ToList();
        foreach (var item in patch.OfType<JsonObject>())
        {
            var name = item["name"]!.ToString();
            var at = merged.FindIndex(e => e!["name"]!.ToString() == name);
            if (item["$patch"]?.GetValue<string>() == "delete") { if (at >= 0) merged.RemoveAt(at); continue; }
            if (at >= 0) merged[at] = Apply(merged[at], item)!;
            else merged.Add(WithoutDirectives(item));
        }
        return new JsonArray([.. merged]);
    }

    private static JsonNode WithoutDirectives(JsonNode node)
    {
        var copy = node.DeepClone();
        Strip(copy);
        return copy;

        static void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (var key in o.Select(p => p.Key).Where(k => k.StartsWith('$')).ToList()) o.Remove(key);
                foreach (var (_, v) in o) Strip(v);
            }
            else if (n is JsonArray a) foreach (var v in a) Strip(v);
        }
    }
}
