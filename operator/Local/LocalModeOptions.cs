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

    /// <summary>The wait before restarting a worker that exited a second time in a row; doubles with each exit after that (kubelet: 10 s).</summary>
    public TimeSpan CrashBackOffBase { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between restarts (kubelet: 5 min).</summary>
    public TimeSpan CrashBackOffMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A worker that ran this long counts as healthy: its exit restarts at once and the back-off starts over (kubelet: 10 min).</summary>
    public TimeSpan CrashBackOffResetAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <exception cref="ArgumentException">The crash back-off settings contradict each other.</exception>
    internal void Validate()
    {
        if (CrashBackOffBase < TimeSpan.Zero || CrashBackOffMax < CrashBackOffBase || CrashBackOffResetAfter <= TimeSpan.Zero)
            throw new ArgumentException($"Local mode needs 0 <= {Section}:CrashBackOffBase <= {Section}:CrashBackOffMax and {Section}:CrashBackOffResetAfter > 0 " +
                $"(got {CrashBackOffBase}, {CrashBackOffMax}, {CrashBackOffResetAfter}).");
    }
}
