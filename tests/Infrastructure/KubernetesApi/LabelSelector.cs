using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The <c>labelSelector</c> query parameter: equality (<c>k=v</c>, <c>k==v</c>, <c>k!=v</c>) and set-based
/// (<c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>) requirements, all of which must hold
/// (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    public static LabelSelector Everything { get; } = new();

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text)) return selector;
        foreach (var part in SplitTopLevel(text))
            selector._requirements.Add(ParseRequirement(part.Trim(), text));
        return selector;
    }

    public bool Matches(JsonObject? obj)
    {
        var labels = new Dictionary<string, string>();
        if (obj?["metadata"]?["labels"] is JsonObject map)
            foreach (var (key, value) in map)
                labels[key] = value?.ToString() ?? "";
        return _requirements.All(r => r(labels));
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string part, string whole)
    {
        if (part.StartsWith('!')) { var key = part[1..].Trim(); return l => !l.ContainsKey(key); }
        foreach (var (op, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            var at = part.IndexOf(op, StringComparison.Ordinal);
            if (at < 0) continue;
            var key = part[..at].Trim();
            var set = part[(at + op.Length)..].Trim();
            if (!set.StartsWith('(') || !set.EndsWith(')'))
                throw KubernetesStatus.BadRequest($"unable to parse requirement: found '{set}', expected: '('");
            var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            return negate ? l => !l.TryGetValue(key, out var v) || !values.Contains(v) : l => l.TryGetValue(key, out var v) && values.Contains(v);
        }
        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = part.IndexOf(op, StringComparison.Ordinal);
            if (at < 0) continue;
            var key = part[..at].Trim();
            var value = part[(at + op.Length)..].Trim();
            return op == "!=" ? l => !l.TryGetValue(key, out var v) || v != value : l => l.TryGetValue(key, out var v) && v == value;
        }
        if (part.Length == 0 || part.Contains(' ')) throw KubernetesStatus.BadRequest($"unable to parse requirement: invalid label selector: {whole}");
        return l => l.ContainsKey(part);
    }

    /// <summary>Commas separate requirements, except inside the parentheses of a set.</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0) { yield return text[start..i]; start = i + 1; }
        }
        yield return text[start..];
    }
}
