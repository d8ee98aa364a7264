namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// A resource URL taken apart: /api/v1/… or /apis/&lt;group&gt;/&lt;version&gt;/…, then
/// [namespaces/&lt;ns&gt;/]&lt;resource&gt;[/&lt;name&gt;[/&lt;subresource&gt;]]
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris).
/// /api/v1/namespaces/&lt;name&gt;[/status] is the namespace itself.
/// </summary>
public sealed record ResourceRequest(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Null when the path names no served resource.</summary>
    public static ResourceRequest? Parse(ResourceCatalog catalog, string group, string version, string[] rest)
    {
        if (rest.Length == 0) return null;
        if (rest[0] == "namespaces" && rest.Length >= 3 && catalog.Find(group, version, rest[2]) is { Namespaced: true } namespacedType)
            return rest.Length <= 5 ? new ResourceRequest(namespacedType, rest[1], At(rest, 3), At(rest, 4)) : null;
        if (catalog.Find(group, version, rest[0]) is not { } type || rest.Length > 3) return null;
        return new ResourceRequest(type, null, At(rest, 1), At(rest, 2));
    }

    private static string? At(string[] parts, int index) => index < parts.Length ? parts[index] : null;
}
