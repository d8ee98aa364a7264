using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// OpenAPI v3 as the real server publishes it: /openapi/v3 lists one document per group-version
/// (<c>{"paths":{"apis/apps/v1":{"serverRelativeURL":"/openapi/v3/apis/apps/v1?hash=…"}}}</c>), each fetched separately.
/// Built-in group-versions come from the Kubernetes 1.35 documents in ../shared/testdata/k8s-openapi/v3; each CRD
/// group-version gets a document built from its openAPIV3Schema, with x-kubernetes-group-version-kind on the schema
/// (kubectl explain) and the fieldValidation parameter on its PATCH operations (kubectl's check that the server
/// validates fields, so it skips client-side validation) —
/// https://kubernetes.io/docs/concepts/overview/kubernetes-api/#openapi-v3.
/// </summary>
public sealed class OpenApiDocuments(string? builtInDirectory, ResourceCatalog catalog)
{
    private const string MetaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private readonly Dictionary<string, byte[]> _builtIn = [];
    private readonly object _gate = new();

    public JsonObject Index()
    {
        var paths = new JsonObject();
        foreach (var (group, versions) in catalog.Groups())
            foreach (var version in versions)
            {
                var path = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
                if (Document(path) is { } bytes)
                    paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={Convert.ToHexString(SHA512.HashData(bytes))}" };
            }
        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document for "api/v1" or "apis/&lt;group&gt;/&lt;version&gt;", or null when not served.</summary>
    public byte[]? Document(string path)
    {
        var segments = path.Split('/');
        var (group, version) = segments switch
        {
            ["api", var v] => ("", v),
            ["apis", var g, var v] => (g, v),
            _ => (null!, null!),
        };
        if (group is null || !catalog.IsGroupVersionServed(group, version)) return null;
        var crdTypes = catalog.All.Where(t => t.Group == group && t.Version == version && t.DefinedByCrd is not null).ToList();
        return crdTypes.Count > 0 ? Encoding.UTF8.GetBytes(ForCustomResources(group, version, crdTypes).ToJsonString()) : BuiltIn(path);
    }

    private byte[]? BuiltIn(string path)
    {
        lock (_gate)
        {
            if (_builtIn.TryGetValue(path, out var cached)) return cached;
            if (builtInDirectory is null) return null;
            var file = Path.Combine(builtInDirectory, path.Replace("/", "__") + "_openapi.json");
            if (!File.Exists(file)) return null;
            return _builtIn[path] = File.ReadAllBytes(file);
        }
    }

    private JsonObject ForCustomResources(string group, string version, IEnumerable<ResourceType> types)
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        foreach (var (name, schema) in MetaSchemas()) schemas[name] = schema;
        var groupPrefix = string.Join('.', group.Split('.').Reverse());
        foreach (var type in types)
        {
            var schemaName = $"{groupPrefix}.{version}.{type.Kind}";
            var gvk = new JsonObject { ["group"] = group, ["kind"] = type.Kind, ["version"] = version };
            var schema = (type.Schema?.DeepClone() as JsonObject) ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            if (schema["properties"] is not JsonObject properties) schema["properties"] = properties = new JsonObject();
            properties["apiVersion"] ??= new JsonObject { ["type"] = "string", ["description"] = "APIVersion defines the versioned schema of this representation of an object." };
            properties["kind"] ??= new JsonObject { ["type"] = "string", ["description"] = "Kind is a string value representing the REST resource this object represents." };
            properties["metadata"] = new JsonObject
            {
                ["description"] = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
                ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{MetaPrefix}ObjectMeta" }),
            };
            schema["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
            schemas[schemaName] = schema;
            schemas[schemaName + "List"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("items"),
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = new JsonObject { ["type"] = "string" },
                    ["kind"] = new JsonObject { ["type"] = "string" },
                    ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } },
                    ["metadata"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{MetaPrefix}ListMeta" }) },
                },
                ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = group, ["kind"] = type.ListKind, ["version"] = version }),
            };
            var collection = type.Namespaced ? $"/apis/{group}/{version}/namespaces/{{namespace}}/{type.Plural}" : $"/apis/{group}/{version}/{type.Plural}";
            paths[collection] = new JsonObject
            {
                ["get"] = Operation("list", gvk, schemaName + "List", []),
                ["post"] = Operation("post", gvk, schemaName, ["dryRun", "fieldManager", "fieldValidation"]),
            };
            paths[collection + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("get", gvk, schemaName, []),
                ["put"] = Operation("put", gvk, schemaName, ["dryRun", "fieldManager", "fieldValidation"]),
                ["patch"] = Operation("patch", gvk, schemaName, ["dryRun", "fieldManager", "fieldValidation", "force"]),
                ["delete"] = Operation("delete", gvk, schemaName, ["dryRun", "propagationPolicy"]),
            };
            if (type.HasStatus)
                paths[collection + "/{name}/status"] = new JsonObject
                {
                    ["get"] = Operation("get", gvk, schemaName, []),
                    ["put"] = Operation("put", gvk, schemaName, ["dryRun", "fieldManager", "fieldValidation"]),
                    ["patch"] = Operation("patch", gvk, schemaName, ["dryRun", "fieldManager", "fieldValidation", "force"]),
                };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes CRD Swagger", ["version"] = "v0.1.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Operation(string action, JsonObject gvk, string schemaName, string[] queryParameters) => new()
    {
        ["parameters"] = new JsonArray([.. queryParameters.Select(p => (JsonNode)new JsonObject { ["name"] = p, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = p == "force" ? "boolean" : "string", ["uniqueItems"] = true } })]),
        ["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } } },
            },
        },
        ["x-kubernetes-action"] = action,
        ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
    };

    /// <summary>ObjectMeta and what it references, taken from the built-in apiextensions document (which carries the meta/v1 schemas).</summary>
    private IEnumerable<(string Name, JsonNode Schema)> MetaSchemas()
    {
        if (BuiltIn("apis/apiextensions.k8s.io/v1") is not { } bytes || JsonNode.Parse(bytes)?["components"]?["schemas"] is not JsonObject all)
            return [("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", new JsonObject { ["type"] = "object" }), ("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", new JsonObject { ["type"] = "object" })];
        return all.Where(p => p.Key.StartsWith(MetaPrefix, StringComparison.Ordinal)).Select(p => (p.Key, p.Value!.DeepClone())).ToList();
    }
}
