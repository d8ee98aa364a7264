using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The leaf fields of an object that a manager owns, convertible to and from the FieldsV1 form in
/// metadata.managedFields (<c>{"f:spec":{"f:replicas":{}}}</c>) — see
/// https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management.
/// Simplified: lists are atomic (the real server keys list items with k:/v:/i: entries); FieldsV1 written by
/// others that address list items is read as ownership of the whole list.
/// </summary>
public sealed class FieldSet
{
    private readonly Dictionary<string, FieldPath> _paths = [];

    public IEnumerable<FieldPath> Paths => _paths.Values;

    public int Count => _paths.Count;

    public bool Contains(FieldPath path) => _paths.ContainsKey(path.Key);

    public void Add(FieldPath path) => _paths[path.Key] = path;

    public void Remove(FieldPath path) => _paths.Remove(path.Key);

    public bool OwnsOverlapping(FieldPath path) => _paths.Values.Any(p => p.Overlaps(path));

    /// <summary>The managed leaves of an object: scalars, lists and empty objects, minus the fields no manager owns.</summary>
    public static FieldSet LeavesOf(JsonObject obj, Func<FieldPath, bool> isManaged)
    {
        var set = new FieldSet();
        Walk(obj, []);
        return set;

        void Walk(JsonObject node, List<string> prefix)
        {
            foreach (var (key, value) in node)
            {
                var path = new FieldPath([.. prefix, key]);
                if (!isManaged(path)) continue;
                if (value is JsonObject child && child.Count > 0) Walk(child, [.. prefix, key]);
                else set.Add(path);
            }
        }
    }

    public JsonObject ToFieldsV1()
    {
        var root = new JsonObject();
        foreach (var path in _paths.Values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var node = root;
            foreach (var segment in path.Segments)
            {
                if (node["f:" + segment] is not JsonObject next) node["f:" + segment] = next = new JsonObject();
                node = next;
            }
        }
        return root;
    }

    public static FieldSet FromFieldsV1(JsonNode? fields)
    {
        var set = new FieldSet();
        if (fields is JsonObject o) Walk(o, []);
        return set;

        void Walk(JsonObject node, List<string> prefix)
        {
            var children = node.Where(p => p.Key.StartsWith("f:", StringComparison.Ordinal)).ToList();
            var addressesListItems = node.Any(p => p.Key.Length > 1 && p.Key[1] == ':' && p.Key[0] is 'k' or 'v' or 'i');
            if (prefix.Count > 0 && (children.Count == 0 || addressesListItems)) { set.Add(new FieldPath([.. prefix])); return; }
            foreach (var (key, value) in children)
                Walk(value as JsonObject ?? new JsonObject(), [.. prefix, key[2..]]);
        }
    }
}
