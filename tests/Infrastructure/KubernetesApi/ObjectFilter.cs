using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>Which objects a list or watch is about: one stored resource, maybe one namespace, and its selectors.</summary>
public sealed record ObjectFilter(string Group, string Resource, string? Namespace, LabelSelector Labels, FieldSelector Fields)
{
    public bool Matches(StorageKey key, JsonObject? obj) =>
        key.Group == Group && key.Resource == Resource
        && (Namespace is null || key.Namespace == Namespace)
        && obj is not null && Labels.Matches(obj) && Fields.Matches(obj);
}
