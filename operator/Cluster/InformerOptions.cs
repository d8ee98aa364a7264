namespace ImageRec.Operator.Cluster;

public sealed class InformerOptions
{
    /// <summary>How long one watch request lasts before the server ends it and the informer resumes (client-go picks 5–10 min).</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>First wait after a failed list or watch; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
