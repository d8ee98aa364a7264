using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ImageRec.Tests.Chart.Support;

/// <summary>
/// Multi-document YAML (what `helm template` prints) as JSON objects, with plain scalars resolved the
/// way the Kubernetes API server and kubectl do (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1): `yes`,
/// `on`, `off` are booleans, `0755` is octal. So a value the cluster would read as the wrong type is
/// the wrong type here too.
/// </summary>
public static partial class YamlManifests
{
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var stream = Load(yaml);
        var documents = new List<JsonObject>();
        foreach (var document in stream.Documents)
        {
            var node = ToJson(document.RootNode);
            if (node is null) continue; // a document of comments only
            documents.Add(node as JsonObject ?? throw new FormatException($"a manifest must be a mapping, got: {node.ToJsonString()}"));
        }
        return documents;
    }

    /// <summary>One YAML document (or JSON) as a JSON node.</summary>
    public static JsonNode? ParseNode(string yaml)
    {
        var stream = Load(yaml);
        return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
    }

    private static YamlStream Load(string yaml)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw new FormatException($"invalid YAML: {e.Message}", e); }
        return stream;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToObject(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Resolve(scalar),
        _ => throw new FormatException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonObject ToObject(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode scalar ? scalar.Value ?? "" : throw new FormatException($"non-scalar key at {key.Start}");
            if (result.ContainsKey(name)) throw new FormatException($"duplicate key '{name}' at {key.Start}");
            result[name] = ToJson(value);
        }
        return result;
    }

    private static JsonNode? Resolve(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var explicitTag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
        if (explicitTag is not null)
            return explicitTag switch
            {
                "tag:yaml.org,2002:int" => JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)),
                "tag:yaml.org,2002:bool" => JsonValue.Create(bool.Parse(text)),
                "tag:yaml.org,2002:null" => null,
                _ => JsonValue.Create(text),
            };
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text); // quoted, literal, folded
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON") return JsonValue.Create(true);
        if (text is "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF") return JsonValue.Create(false);
        if (TryInteger(text.Replace("_", ""), out var integer)) return JsonValue.Create(integer);
        if (FloatPattern().IsMatch(text.Replace("_", ""))) return JsonValue.Create(double.Parse(text.Replace("_", ""), CultureInfo.InvariantCulture));
        if (text is ".inf" or ".Inf" or ".INF" or "+.inf" or "-.inf" or ".nan" or ".NaN" or ".NAN")
            throw new FormatException($"'{text}' is not representable in JSON");
        return JsonValue.Create(text);
    }

    private static bool TryInteger(string text, out long value)
    {
        value = 0;
        var negative = text.StartsWith('-');
        var body = text.TrimStart('+', '-');
        if (text.Length - body.Length > 1 || body.Length == 0) return false;
        bool ok;
        if (body.StartsWith("0x")) ok = long.TryParse(body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        else if (body.StartsWith("0b")) { ok = body.Length > 2 && body[2..].All(c => c is '0' or '1'); if (ok) value = Convert.ToInt64(body[2..], 2); }
        else if (body.Length > 1 && body[0] == '0') { ok = body.All(c => c is >= '0' and <= '7'); if (ok) value = Convert.ToInt64(body, 8); }
        else ok = body.All(char.IsAsciiDigit) && long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (ok && negative) value = -value;
        return ok;
    }

    // go-yaml v2's float pattern.
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
