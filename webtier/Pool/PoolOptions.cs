namespace ImageRec.WebTier.Pool;

/// <summary>Where the web tier reads the worker pool's status for <c>GET /v1/pool</c>. Section <c>Pool</c>.</summary>
public sealed class PoolOptions
{
    public const string Section = "Pool";

    /// <summary>
    /// The operator's status of one RecognitionPool: <c>http://127.0.0.1:8081/status</c> in local mode,
    /// <c>http://{operator}:8080/status/{namespace}/{name}</c> in a cluster. Unset: no pool status.
    /// </summary>
    public Uri? StatusUrl { get; set; }

    /// <summary>How long one read of the status may take; the page only shows it, so fail fast.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
