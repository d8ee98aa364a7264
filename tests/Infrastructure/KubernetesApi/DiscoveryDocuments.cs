using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// Legacy (unaggregated) discovery: /api (APIVersions), /apis (APIGroupList), /apis/&lt;group&gt; (APIGroup),
/// /api/v1 and /apis/&lt;group&gt;/&lt;version&gt; (APIResourceList with verbs, shortNames, categories, subresources)
/// (https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api). Aggregated discovery
/// (apidiscovery.k8s.io/v2) is not offered; clients see plain application/json and fall back to these documents.
/// </summary>
public sealed class DiscoveryDocuments(ResourceCatalog catalog)
{
    public JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. catalog.Groups().Where(g => g.Group.Length > 0).Select(g => (JsonNode)GroupBody(g.Group, g.Versions))]),
    };

    public JsonObject? Group(string group)
    {
        var found = catalog.Groups().FirstOrDefault(g => g.Group == group && group.Length > 0);
        if (found.Group is null) return null;
        var body = GroupBody(found.Group, found.Versions);
        return new JsonObject { ["kind"] = "APIGroup", ["apiVersion"] = "v1", ["name"] = body["name"]!.DeepClone(), ["versions"] = body["versions"]!.DeepClone(), ["preferredVersion"] = body["preferredVersion"]!.DeepClone() };
    }

    public JsonObject? ResourceList(string group, string version)
    {
        var types = catalog.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var type in types)
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural, ["singularName"] = type.Singular, ["namespaced"] = type.Namespaced, ["kind"] = type.Kind,
                ["verbs"] = new JsonArray([.. ResourceType.AllVerbs.Select(v => (JsonNode)v)]),
            };
            if (type.ShortNames.Count > 0) resource["shortNames"] = new JsonArray([.. type.ShortNames.Select(s => (JsonNode)s)]);
            if (type.Categories.Count > 0) resource["categories"] = new JsonArray([.. type.Categories.Select(s => (JsonNode)s)]);
            resources.Add(resource);
            if (type.HasStatus)
                resources.Add(new JsonObject
                {
                    ["name"] = type.Plural + "/status", ["singularName"] = "", ["namespaced"] = type.Namespaced, ["kind"] = type.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject GroupBody(string group, IReadOnlyList<string> versions)
    {
        JsonObject Version(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)Version(v))]),
            ["preferredVersion"] = Version(versions[0]),
        };
    }
}
