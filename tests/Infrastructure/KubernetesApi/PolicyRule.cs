using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// One rule of an RBAC (Cluster)Role, matched the way the real RBAC authorizer does
/// (https://kubernetes.io/docs/reference/access-authn-authz/rbac/): "*" matches any verb, group or resource;
/// subresources are named "resource/subresource" (or "*/subresource"); resourceNames, when present, only match
/// requests that name an object (so never list, watch or create).
/// </summary>
public sealed record PolicyRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames)
{
    public static PolicyRule FromJson(JsonObject rule) => new(Strings(rule["verbs"]), Strings(rule["apiGroups"]), Strings(rule["resources"]), Strings(rule["resourceNames"]));

    public bool Allows(RequestAttributes request)
    {
        if (!Verbs.Contains("*") && !Verbs.Contains(request.Verb)) return false;
        if (!ApiGroups.Contains("*") && !ApiGroups.Contains(request.Group)) return false;
        var combined = request.Subresource is { Length: > 0 } sub ? $"{request.Resource}/{sub}" : request.Resource;
        var resourceMatches = Resources.Contains("*") || Resources.Contains(combined)
                              || (request.Subresource is { Length: > 0 } s && Resources.Contains("*/" + s));
        if (!resourceMatches) return false;
        return ResourceNames.Count == 0 || (request.Name is { Length: > 0 } name && ResourceNames.Contains(name));
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n?.GetValue<string>() ?? "").ToList() : [];
}
