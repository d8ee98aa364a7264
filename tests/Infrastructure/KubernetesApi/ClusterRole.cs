using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The rules of an RBAC ClusterRole read from YAML — a single manifest or a multi-document file such as a rendered
/// Helm chart, where the ClusterRole is picked by name (or the only one is taken).
/// </summary>
public sealed class ClusterRole(string name, IReadOnlyList<PolicyRule> rules)
{
    public string Name { get; } = name;

    public IReadOnlyList<PolicyRule> Rules { get; } = rules;

    public static ClusterRole FromFile(string path, string? name = null) => Parse(File.ReadAllText(path), name);

    public static ClusterRole Parse(string yaml, string? name = null)
    {
        var roles = YamlToJson.Documents(yaml).OfType<JsonObject>()
            .SelectMany(d => d["kind"]?.GetValue<string>() == "List" && d["items"] is JsonArray items ? items.OfType<JsonObject>() : [d])
            .Where(d => d["kind"]?.GetValue<string>() == "ClusterRole")
            .Where(d => name is null || d["metadata"]?["name"]?.GetValue<string>() == name)
            .ToList();
        if (roles.Count != 1)
            throw new ArgumentException(roles.Count == 0
                ? $"no ClusterRole{(name is null ? "" : $" named {name}")} in the YAML"
                : $"{roles.Count} ClusterRoles in the YAML; say which one by name", nameof(yaml));
        var role = roles[0];
        return new ClusterRole(role["metadata"]?["name"]?.GetValue<string>() ?? "",
            (role["rules"] as JsonArray)?.OfType<JsonObject>().Select(PolicyRule.FromJson).ToList() ?? []);
    }

    public bool Allows(RequestAttributes request) => Rules.Any(r => r.Allows(request));
}
