using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// One served resource of one group-version, as discovery describes it (APIResource) plus the behaviours the
/// double needs: whether it has a status subresource, whether it counts metadata.generation, how to print it.
/// </summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    bool HasStatus,
    bool TracksGeneration,
    IReadOnlyList<PrinterColumn> PrinterColumns,
    JsonNode? Schema = null,
    string? DefinedByCrd = null)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>resource.group, the form errors and RBAC messages use.</summary>
    public string QualifiedResource => KubernetesStatus.Qualified(Group, Plural);

    /// <summary>Where objects live: the same object is seen through every served version of a group (no conversion needed here).</summary>
    public (string Group, string Resource) StorageResource => (Group, Plural);

    public static readonly IReadOnlyList<string> AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}
