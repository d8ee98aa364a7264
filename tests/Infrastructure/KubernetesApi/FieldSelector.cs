using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The <c>fieldSelector</c> query parameter with <c>=</c>, <c>==</c> and <c>!=</c>
/// (https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/).
/// Faithful for metadata.name and metadata.namespace, which every resource supports; simplified: any other dotted
/// path is evaluated against the object instead of being limited to the per-resource list the real server accepts.
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string[] Path, string Value, bool Negate)> _terms = [];

    public static FieldSelector Parse(string? text)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text)) return selector;
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var negate = raw.Contains("!=");
            var parts = raw.Split(negate ? "!=" : raw.Contains("==") ? "==" : "=", 2);
            if (parts.Length != 2) throw KubernetesStatus.BadRequest($"invalid selector: '{text}'; can't understand '{raw}'");
            selector._terms.Add((parts[0].Trim().Split('.'), parts[1].Trim(), negate));
        }
        return selector;
    }

    /// <summary>The name a selector pins (metadata.name=x), which RBAC and kubectl's wait use.</summary>
    public string? PinnedName => _terms.FirstOrDefault(t => !t.Negate && t.Path is ["metadata", "name"]).Value;

    public bool Matches(JsonObject? obj)
    {
        foreach (var (path, value, negate) in _terms)
        {
            JsonNode? node = obj;
            foreach (var segment in path) node = (node as JsonObject)?[segment];
            var actual = node switch { null => "", JsonValue v => v.ToString(), _ => node.ToJsonString() };
            if ((actual == value) == negate) return false;
        }
        return true;
    }
}
