using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// A path to one field of an object (<c>.spec.replicas</c>, <c>.metadata.labels.app</c>), the unit of field
/// ownership in server-side apply. Lists are atomic here: a path ends at a list, never inside one.
/// </summary>
public sealed record FieldPath(IReadOnlyList<string> Segments)
{
    public override string ToString() => "." + string.Join('.', Segments);

    public string Key => string.Join('\u001f', Segments);

    public bool Equals(FieldPath? other) => other is not null && Key == other.Key;

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    /// <summary>Whether one path is the other or lies inside it, so ownership of one touches the other.</summary>
    public bool Overlaps(FieldPath other)
    {
        var shorter = Math.Min(Segments.Count, other.Segments.Count);
        for (var i = 0; i < shorter; i++)
            if (Segments[i] != other.Segments[i]) return false;
        return true;
    }

    public JsonNode? ValueIn(JsonNode? root, out bool present)
    {
        var node = root;
        present = true;
        foreach (var segment in Segments)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(segment, out var child)) { present = false; return null; }
            node = child;
        }
        return node;
    }

    public void RemoveFrom(JsonObject root)
    {
        JsonNode? node = root;
        foreach (var segment in Segments.Take(Segments.Count - 1)) node = (node as JsonObject)?[segment];
        (node as JsonObject)?.Remove(Segments[^1]);
    }
}
