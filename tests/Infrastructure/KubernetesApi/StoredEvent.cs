using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>One change in the watch history: its resourceVersion, the object before (for selector transitions) and after.</summary>
public sealed record StoredEvent(long ResourceVersion, string Type, StorageKey Key, JsonObject? Old, JsonObject New);
