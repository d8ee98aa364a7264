namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>Where one object lives: (group, resource, namespace, name); the namespace is "" for cluster-scoped objects.</summary>
public readonly record struct StorageKey(string Group, string Resource, string Namespace, string Name);
