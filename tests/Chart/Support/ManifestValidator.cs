using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImageRec.Tests.Chart.Support;

/// <summary>
/// Validates one rendered manifest: built-in kinds against the Kubernetes OpenAPI v3 schemas,
/// RecognitionPools against the chart's CRD schema, plus the name and label syntax the API server
/// checks but the schemas do not state.
/// </summary>
public static partial class ManifestValidator
{
    /// <summary>Kinds from other projects' CRDs, whose schemas are not available offline: only their metadata is checked.</summary>
    public static readonly IReadOnlySet<string> KindsWithoutSchema = new HashSet<string> { "monitoring.coreos.com/v1/ServiceMonitor" };

    public static IReadOnlyList<string> Validate(JsonObject manifest, JsonObject recognitionPoolSchema)
    {
        var apiVersion = (string?)manifest["apiVersion"];
        var kind = (string?)manifest["kind"];
        if (apiVersion is null || kind is null) return ["$: apiVersion and kind are required"];
        var errors = new List<string>();
        CheckMetadata(manifest["metadata"] as JsonObject, errors);

        if (apiVersion == "imagerec.io/v1alpha1" && kind == "RecognitionPool")
            errors.AddRange(new OpenApiSchemaValidator().Validate(manifest, recognitionPoolSchema));
        else if (KindsWithoutSchema.Contains($"{apiVersion}/{kind}"))
        {
            var (validator, objectMeta) = KubernetesOpenApiSchemas.Named("api__v1_openapi.json", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
            errors.AddRange(validator.Validate(manifest["metadata"], objectMeta).Select(e => e.Replace("$", "$.metadata")));
        }
        else if (KubernetesOpenApiSchemas.Find(apiVersion, kind) is var (validator, schema))
            errors.AddRange(validator.Validate(manifest, schema));
        else errors.Add($"$: no schema for {apiVersion} {kind}");
        return errors;
    }

    private static void CheckMetadata(JsonObject? metadata, List<string> errors)
    {
        var name = (string?)metadata?["name"];
        if (name is null) { errors.Add("$.metadata.name is required"); return; }
        if (name.Length > 253 || !Dns1123Subdomain().IsMatch(name))
            errors.Add($"$.metadata.name: '{name}' is not a DNS-1123 subdomain");
        foreach (var (key, value) in metadata!["labels"] as JsonObject ?? [])
        {
            var text = value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null;
            if (text is null || text.Length > 63 || !LabelValue().IsMatch(text))
                errors.Add($"$.metadata.labels.{key}: {value?.ToJsonString() ?? "null"} is not a valid label value");
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
}
