using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// Reads an apiextensions.k8s.io/v1 CustomResourceDefinition into the resource types it serves, validates the
/// few things clients rely on, and fills the status a real server reports once the names are accepted
/// (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/).
/// Simplified: conversion webhooks, validation against the schema, defaulting and CEL rules are not applied.
/// </summary>
public static class CustomResourceDefinitions
{
    public static void Validate(JsonObject crd)
    {
        var name = crd["metadata"]?["name"]?.GetValue<string>() ?? "";
        var spec = crd["spec"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>() ?? "";
        var plural = spec?["names"]?["plural"]?.GetValue<string>() ?? "";
        if (group.Length == 0 || plural.Length == 0)
            throw KubernetesStatus.Invalid("apiextensions.k8s.io", "CustomResourceDefinition", name, "spec.names.plural", "Required value");
        if (name != $"{plural}.{group}")
            throw KubernetesStatus.Invalid("apiextensions.k8s.io", "CustomResourceDefinition", name, "metadata.name",
                $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        if (spec?["versions"] is not JsonArray { Count: > 0 })
            throw KubernetesStatus.Invalid("apiextensions.k8s.io", "CustomResourceDefinition", name, "spec.versions", "Invalid value: null: must have exactly one version marked as storage version");
    }

    public static IReadOnlyList<ResourceType> TypesOf(JsonObject crd)
    {
        var crdName = crd["metadata"]!["name"]!.GetValue<string>();
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var kind = names["kind"]!.GetValue<string>();
        var plural = names["plural"]!.GetValue<string>();
        var singular = names["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant();
        var namespaced = (spec["scope"]?.GetValue<string>() ?? "Namespaced") == "Namespaced";
        var types = new List<ResourceType>();
        foreach (var version in spec["versions"]!.AsArray().OfType<JsonObject>())
        {
            if (version["served"]?.GetValue<bool>() == false) continue;
            var columns = (version["additionalPrinterColumns"] as JsonArray)?.OfType<JsonObject>().Select(c => new PrinterColumn(
                c["name"]!.GetValue<string>(), c["type"]?.GetValue<string>() ?? "string", c["jsonPath"]!.GetValue<string>(),
                c["description"]?.GetValue<string>() ?? "", c["priority"]?.GetValue<int>() ?? 0, c["format"]?.GetValue<string>() ?? "")).ToList();
            // A CRD without printer columns prints Age only; one with columns prints exactly those (API defaulting).
            if (columns is null || columns.Count == 0) columns = [PrinterColumn.Age];
            types.Add(new ResourceType(
                spec["group"]!.GetValue<string>(), version["name"]!.GetValue<string>(), plural, singular, kind, namespaced,
                Strings(names["shortNames"]), Strings(names["categories"]),
                HasStatus: version["subresources"]?["status"] is not null,
                TracksGeneration: true,
                columns,
                version["schema"]?["openAPIV3Schema"]?.DeepClone(),
                crdName));
        }
        return types;
    }

    /// <summary>The status of an established CRD: accepted names, NamesAccepted and Established conditions, stored versions.</summary>
    public static JsonObject EstablishedStatus(JsonObject crd, string now)
    {
        var spec = crd["spec"]!.AsObject();
        var accepted = spec["names"]!.DeepClone().AsObject();
        accepted["singular"] ??= accepted["kind"]!.GetValue<string>().ToLowerInvariant();
        accepted["listKind"] ??= accepted["kind"]!.GetValue<string>() + "List";
        var storage = spec["versions"]!.AsArray().OfType<JsonObject>()
            .FirstOrDefault(v => v["storage"]?.GetValue<bool>() == true)?["name"]?.GetValue<string>()
            ?? spec["versions"]![0]!["name"]!.GetValue<string>();
        return new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", now),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", now)),
            ["acceptedNames"] = accepted,
            ["storedVersions"] = new JsonArray(storage),
        };
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type, ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = reason, ["message"] = message,
    };

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n!.GetValue<string>()).ToList() : [];
}
