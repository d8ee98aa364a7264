using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImageRec.Tests.Chart.Support;

/// <summary>
/// Validates JSON against the OpenAPI 3.0 schemas Kubernetes publishes and against CRD structural
/// schemas: type, required, properties, additionalProperties, items, $ref (to #/components/schemas),
/// allOf, oneOf, anyOf, enum, ranges, lengths, patterns, int-or-string, preserve-unknown-fields.
/// Stricter than the published schemas on one point, on purpose: an object schema that lists its
/// properties rejects any other property (the API server drops or refuses unknown fields; the
/// schemas do not say additionalProperties: false). CEL rules (x-kubernetes-validations) are not
/// evaluated. JsonSchema.Net would do most of this, but its dependencies are not in the package feed.
/// </summary>
public sealed class OpenApiSchemaValidator
{
    private const string RefPrefix = "#/components/schemas/";
    private readonly JsonObject components;
    private readonly Dictionary<JsonObject, JsonObject> flattened = new(ReferenceEqualityComparer.Instance);

    /// <param name="components">The document's components.schemas (empty for a CRD schema).</param>
    public OpenApiSchemaValidator(JsonObject? components = null) => this.components = components ?? [];

    public IReadOnlyList<string> Validate(JsonNode? value, JsonObject schema)
    {
        var errors = new List<string>();
        Validate(value, schema, "$", errors);
        return errors;
    }

    private void Validate(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        var s = Flatten(schema);
        if (value is null)
        {
            if (s["nullable"]?.GetValue<bool>() != true) errors.Add($"{path}: null is not allowed here");
            return;
        }
        if (s["format"]?.GetValue<string>() == "int-or-string" || s["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            if (!IsInteger(value) && value.GetValueKind() != JsonValueKind.String)
                errors.Add($"{path}: expected an integer or a string, got {Describe(value)}");
            else if (value.GetValueKind() == JsonValueKind.String) CheckString(value.GetValue<string>(), s, path, errors);
            else CheckNumber(value, s, path, errors);
            return;
        }
        if (s["oneOf"] is JsonArray oneOf)
        {
            var matches = oneOf.Count(branch => Matches(value, (JsonObject)branch!, path));
            if (matches != 1) errors.Add($"{path}: must match exactly one of {oneOf.Count} schemas (oneOf), matches {matches}: {Describe(value)}");
        }
        if (s["anyOf"] is JsonArray anyOf && !anyOf.Any(branch => Matches(value, (JsonObject)branch!, path)))
            errors.Add($"{path}: matches none of the anyOf schemas: {Describe(value)}");
        if (s["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
            errors.Add($"{path}: {Describe(value)} is not one of [{string.Join(", ", allowed.Select(a => a?.ToJsonString()))}]");
        if (s["type"]?.GetValue<string>() is { } type && !HasType(value, type))
        {
            errors.Add($"{path}: expected {type}, got {Describe(value)}");
            return;
        }
        switch (value)
        {
            case JsonObject obj: CheckObject(obj, s, path, errors); break;
            case JsonArray array: CheckArray(array, s, path, errors); break;
            default:
                if (value.GetValueKind() == JsonValueKind.String) CheckString(value.GetValue<string>(), s, path, errors);
                else if (value.GetValueKind() == JsonValueKind.Number) CheckNumber(value, s, path, errors);
                break;
        }
    }

    private void CheckObject(JsonObject obj, JsonObject s, string path, List<string> errors)
    {
        var properties = s["properties"] as JsonObject;
        var additional = s["additionalProperties"];
        var preserveUnknown = s["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (s["required"] is JsonArray required)
            foreach (var name in required.Select(r => r!.GetValue<string>()))
                if (obj[name] is null) errors.Add($"{path}: required field '{name}' is missing");
        if (s["minProperties"] is JsonNode minProperties && obj.Count < AsDouble(minProperties))
            errors.Add($"{path}: needs at least {minProperties} properties");
        if (s["maxProperties"] is JsonNode maxProperties && obj.Count > AsDouble(maxProperties))
            errors.Add($"{path}: allows at most {maxProperties} properties");
        foreach (var (name, child) in obj)
        {
            var childPath = $"{path}.{name}";
            if (properties?[name] is JsonObject propertySchema)
            {
                if (child is not null) Validate(child, propertySchema, childPath, errors); // null means unset
            }
            else if (additional is JsonObject additionalSchema) Validate(child, additionalSchema, childPath, errors);
            else if (additional?.GetValueKind() == JsonValueKind.True || preserveUnknown) { }
            else if (properties is not null || additional?.GetValueKind() == JsonValueKind.False)
                errors.Add($"{childPath}: unknown field '{name}'");
            // Neither properties nor additionalProperties: a free-form object (RawExtension, FieldsV1).
        }
    }

    private void CheckArray(JsonArray array, JsonObject s, string path, List<string> errors)
    {
        if (s["minItems"] is JsonNode minItems && array.Count < AsDouble(minItems))
            errors.Add($"{path}: needs at least {minItems} items, has {array.Count}");
        if (s["maxItems"] is JsonNode maxItems && array.Count > AsDouble(maxItems))
            errors.Add($"{path}: allows at most {maxItems} items, has {array.Count}");
        if (s["items"] is JsonObject items)
            for (var i = 0; i < array.Count; i++) Validate(array[i], items, $"{path}[{i}]", errors);
    }

    private static void CheckString(string text, JsonObject s, string path, List<string> errors)
    {
        if (s["minLength"] is JsonNode minLength && text.Length < AsDouble(minLength))
            errors.Add($"{path}: '{text}' is shorter than {minLength}");
        if (s["maxLength"] is JsonNode maxLength && text.Length > AsDouble(maxLength))
            errors.Add($"{path}: '{text}' is longer than {maxLength}");
        if (s["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(text, pattern))
            errors.Add($"{path}: '{text}' does not match {pattern}");
    }

    private static void CheckNumber(JsonNode value, JsonObject s, string path, List<string> errors)
    {
        var number = AsDouble(value);
        var exclusiveMin = s["exclusiveMinimum"]?.GetValue<bool>() == true;
        var exclusiveMax = s["exclusiveMaximum"]?.GetValue<bool>() == true;
        if (s["minimum"] is JsonNode minimum && (exclusiveMin ? number <= AsDouble(minimum) : number < AsDouble(minimum)))
            errors.Add($"{path}: {number} is below the minimum {minimum}{(exclusiveMin ? " (exclusive)" : "")}");
        if (s["maximum"] is JsonNode maximum && (exclusiveMax ? number >= AsDouble(maximum) : number > AsDouble(maximum)))
            errors.Add($"{path}: {number} is above the maximum {maximum}{(exclusiveMax ? " (exclusive)" : "")}");
    }

    private bool Matches(JsonNode value, JsonObject schema, string path)
    {
        var errors = new List<string>();
        Validate(value, schema, path, errors);
        return errors.Count == 0;
    }

    /// <summary>The schema with $ref and allOf merged in (Kubernetes wraps every $ref in allOf).</summary>
    private JsonObject Flatten(JsonObject schema)
    {
        if (schema["$ref"] is null && schema["allOf"] is null) return schema;
        if (flattened.TryGetValue(schema, out var cached)) return cached;
        var parts = new List<JsonObject>();
        if (schema["$ref"]?.GetValue<string>() is { } reference) parts.Add(Flatten(Resolve(reference)));
        if (schema["allOf"] is JsonArray allOf) parts.AddRange(allOf.Select(part => Flatten((JsonObject)part!)));
        var merged = new JsonObject();
        var properties = new JsonObject();
        var required = new HashSet<string>();
        foreach (var part in parts.Append(schema))
            foreach (var (key, node) in part)
            {
                if (key is "$ref" or "allOf") continue;
                if (key == "properties")
                    foreach (var (name, property) in (JsonObject)node!) properties[name] = property?.DeepClone();
                else if (key == "required")
                    required.UnionWith(((JsonArray)node!).Select(r => r!.GetValue<string>()));
                else merged[key] = node?.DeepClone();
            }
        if (properties.Count > 0) merged["properties"] = properties;
        if (required.Count > 0) merged["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray());
        flattened[schema] = merged;
        return merged;
    }

    private JsonObject Resolve(string reference)
    {
        if (!reference.StartsWith(RefPrefix, StringComparison.Ordinal))
            throw new NotSupportedException($"only local component references are supported: {reference}");
        return components[reference[RefPrefix.Length..]] as JsonObject
            ?? throw new KeyNotFoundException($"unresolved $ref {reference}");
    }

    private static bool HasType(JsonNode value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value.GetValueKind() == JsonValueKind.String,
        "boolean" => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "integer" => IsInteger(value),
        "number" => value.GetValueKind() == JsonValueKind.Number,
        _ => throw new NotSupportedException($"schema type '{type}'"),
    };

    /// <summary>An integer as JSON decoding into Go's int types sees it: 3 yes, 3.0 no.</summary>
    private static bool IsInteger(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out _);

    /// <summary>A number whichever way it was stored (YAML-parsed nodes hold long or double, JSON-parsed ones a JsonElement).</summary>
    private static double AsDouble(JsonNode node)
    {
        var value = node.AsValue();
        if (value.TryGetValue<long>(out var integer)) return integer;
        if (value.TryGetValue<double>(out var real)) return real;
        if (value.TryGetValue<int>(out var small)) return small;
        throw new FormatException($"not a number: {node.ToJsonString()}");
    }

    private static string Describe(JsonNode value) => $"{value.GetValueKind().ToString().ToLowerInvariant()} {Truncate(value.ToJsonString())}";

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
