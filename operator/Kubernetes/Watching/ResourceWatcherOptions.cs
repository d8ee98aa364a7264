namespace ImageRec.Operator.Kubernetes;

public sealed class ResourceWatcherOptions
{
    /// <summary>Only objects matching this label selector are listed, watched and cached.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>How long one watch request lasts before the server ends it and we resume (client-go picks 5–10 min).</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>First wait after a failed list or watch; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
