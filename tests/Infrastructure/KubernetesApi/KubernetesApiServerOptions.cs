namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>How the double behaves where the real server is configurable or time-driven.</summary>
public sealed record KubernetesApiServerOptions
{
    /// <summary>How often watches with allowWatchBookmarks=true get a BOOKMARK (null: only through TriggerBookmarks()). The real server sends about one a minute.</summary>
    public TimeSpan? BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many changes the watch history keeps; a watch from before them gets 410 Gone (Expired).</summary>
    public int WatchHistoryCapacity { get; init; } = 1000;

    /// <summary>Where the built-in OpenAPI v3 documents are; null: ../shared/testdata/k8s-openapi/v3 when present.</summary>
    public string? OpenApiDirectory { get; init; }

    /// <summary>The version /version reports; the served OpenAPI documents are those of 1.35.</summary>
    public (int Major, int Minor, int Patch) Version { get; init; } = (1, 35, 0);

    /// <summary>Namespaces that exist from the start, as on a fresh cluster.</summary>
    public IReadOnlyList<string> InitialNamespaces { get; init; } = ["default", "kube-system", "kube-public", "kube-node-lease"];
}
