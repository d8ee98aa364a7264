using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Chart.Support;

/// <summary>
/// The Kubernetes 1.35 OpenAPI v3 documents in ../shared/testdata/k8s-openapi/v3, one per
/// group/version, loaded on first use; finds a kind's schema by x-kubernetes-group-version-kind.
/// </summary>
public static class KubernetesOpenApiSchemas
{
    private static readonly ConcurrentDictionary<string, Lazy<(OpenApiSchemaValidator Validator, JsonObject Schemas)>> Documents = new();

    /// <summary>The validator and schema for apiVersion/kind, or null when Kubernetes does not define it.</summary>
    public static (OpenApiSchemaValidator Validator, JsonObject Schema)? Find(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/');
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var file = group == "" ? $"api__{version}_openapi.json" : $"apis__{group}__{version}_openapi.json";
        if (!File.Exists(Path.Combine(RepositoryPaths.SharedTestData, "k8s-openapi", "v3", file))) return null;
        var (validator, schemas) = Documents.GetOrAdd(file, f => new(() => Load(f))).Value;
        foreach (var (_, node) in schemas)
            if (node is JsonObject schema && schema["x-kubernetes-group-version-kind"] is JsonArray kinds
                && kinds.Any(k => (string?)k!["group"] == group && (string?)k["version"] == version && (string?)k["kind"] == kind))
                return (validator, schema);
        return null;
    }

    /// <summary>A named component schema, e.g. io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.</summary>
    public static (OpenApiSchemaValidator Validator, JsonObject Schema) Named(string apiVersionFile, string name)
    {
        var (validator, schemas) = Documents.GetOrAdd(apiVersionFile, f => new(() => Load(f))).Value;
        return (validator, schemas[name] as JsonObject ?? throw new KeyNotFoundException(name));
    }

    private static (OpenApiSchemaValidator, JsonObject) Load(string file)
    {
        var path = RepositoryPaths.SharedFile("testdata", "k8s-openapi", "v3", file);
        var document = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        return (new OpenApiSchemaValidator(schemas), schemas);
    }
}
