namespace ImageRec.Operator.Local;

/// <summary>Local mode: one pool from a file, workers as processes on this machine. Section <c>Local</c>.</summary>
public sealed class LocalModeOptions
{
    public const string Section = "Local";

    /// <summary>The RecognitionPool manifest to run (set by <c>--local pool.yaml</c>).</summary>
    public string PoolFile { get; set; } = "";

    /// <summary>The worker program to start (imagerec-worker from this repository's build).</summary>
    public string WorkerExecutable { get; set; } = "";

    /// <summary>Worker N listens on WorkerPortBase + N (health, readiness and metrics).</summary>
    public int WorkerPortBase { get; set; } = 9100;

    /// <summary>Where worker logs go (worker-N.log).</summary>
    public string LogDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "imagerec-local", "logs");

    /// <summary>Where workers cache the model they download.</summary>
    public string CacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "imagerec-local", "models");
}
