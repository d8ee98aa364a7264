using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>One line of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR with its object (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).</summary>
public sealed record WatchEvent(string Type, JsonObject Object);
