using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The JSONPath subset CRD printer columns use: <c>.a.b</c>, <c>.list[0]</c> and filters such as
/// <c>.status.conditions[?(@.type=="Ready")].status</c>; the first match is the value (as in the CRD table convertor).
/// </summary>
public static class SimpleJsonPath
{
    public static JsonNode? First(JsonNode? root, string path)
    {
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}')) text = text[1..^1];
        IEnumerable<JsonNode?> current = [root];
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is not '.' and not '[') end++;
                var field = text[(i + 1)..end];
                if (field.Length > 0) current = current.Select(n => (n as JsonObject)?[field]);
                i = end;
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0) return null;
                var inner = text[(i + 1)..end];
                current = inner.StartsWith("?(", StringComparison.Ordinal) ? current.SelectMany(n => Filter(n as JsonArray, inner))
                    : inner == "*" ? current.SelectMany(n => (n as JsonArray)?.AsEnumerable() ?? [])
                    : int.TryParse(inner, out var index) ? current.Select(n => n is JsonArray a && index < a.Count ? a[index] : null)
                    : [];
                i = end + 1;
            }
            else return null;
        }
        return current.FirstOrDefault(n => n is not null);
    }

    /// <summary>[?(@.key=="value")] over the items of a list.</summary>
    private static IEnumerable<JsonNode?> Filter(JsonArray? items, string filter)
    {
        if (items is null) return [];
        var body = filter[2..^1].Trim();
        var parts = body.Split("==", 2);
        if (parts.Length != 2 || !parts[0].Trim().StartsWith("@.", StringComparison.Ordinal)) return [];
        var key = parts[0].Trim()[2..];
        var expected = parts[1].Trim().Trim('"', '\'');
        return items.Where(item => First(item, "." + key) is JsonValue v && v.ToString() == expected);
    }
}
