using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// YAML (manifests, apply-patch+yaml bodies, ClusterRole files) to JSON nodes, resolving plain scalars the way
/// YAML 1.2's core schema does (null, booleans, numbers); quoted scalars stay strings. JSON is valid YAML, so JSON bodies pass too.
/// </summary>
public static class YamlToJson
{
    public static IReadOnlyList<JsonNode?> Documents(string yaml)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw KubernetesStatus.BadRequest($"error converting YAML to JSON: {e.Message}"); }
        // Through JSON text, so numbers behave like those of parsed JSON (readable as int, long or double alike).
        return stream.Documents.Select(d => Convert(d.RootNode)).Where(n => n is not null).Select(n => JsonNode.Parse(n!.ToJsonString())).ToList();
    }

    public static JsonNode? Single(string yaml) => Documents(yaml) switch
    {
        [var only] => only,
        [] => null,
        _ => throw KubernetesStatus.BadRequest("expected a single YAML document"),
    };

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain) return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if ((char.IsDigit(text[0]) || text[0] is '-' or '+' or '.') &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return JsonValue.Create(number);
        return JsonValue.Create(text);
    }
}
