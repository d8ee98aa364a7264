namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The built-in resources the operator and the fixtures use, with the discovery facts of a real 1.35 server
/// (short names, categories, scope, status subresource). Only Name and Age are printed for them (the real server
/// has richer built-in table columns).
/// </summary>
public static class BuiltInResourceTypes
{
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Make("", "v1", "namespaces", "Namespace", namespaced: false, status: true, generation: false, shortNames: ["ns"]),
        Make("", "v1", "pods", "Pod", status: true, generation: true, shortNames: ["po"], categories: ["all"]),
        Make("", "v1", "serviceaccounts", "ServiceAccount", shortNames: ["sa"]),
        Make("", "v1", "configmaps", "ConfigMap", shortNames: ["cm"]),
        Make("", "v1", "secrets", "Secret"),
        Make("", "v1", "services", "Service", status: true, shortNames: ["svc"], categories: ["all"]),
        Make("apps", "v1", "deployments", "Deployment", status: true, generation: true, shortNames: ["deploy"], categories: ["all"]),
        Make("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", status: true, generation: true, shortNames: ["pdb"]),
        Make("events.k8s.io", "v1", "events", "Event", shortNames: ["ev"]),
        Make("coordination.k8s.io", "v1", "leases", "Lease"),
        Make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", namespaced: false, status: true,
            generation: true, shortNames: ["crd", "crds"], categories: ["api-extensions"]),
    ];

    public static ResourceType CustomResourceDefinitions => All.Single(t => t.Plural == "customresourcedefinitions");

    public static ResourceType Namespaces => All.Single(t => t.Plural == "namespaces");

    private static ResourceType Make(string group, string version, string plural, string kind, bool namespaced = true, bool status = false,
        bool generation = false, string[]? shortNames = null, string[]? categories = null) =>
        new(group, version, plural, kind.ToLowerInvariant(), kind, namespaced, shortNames ?? [], categories ?? [], status, generation, [PrinterColumn.Age]);
}
