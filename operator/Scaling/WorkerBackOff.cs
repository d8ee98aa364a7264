using System.Globalization;

namespace ImageRec.Operator.Scaling;

/// <summary>A worker that exited and waits out its crash back-off before the next restart (kubelet's CrashLoopBackOff).</summary>
/// <param name="Worker">Its name, e.g. worker-0.</param>
/// <param name="ExitCode">The last exit's code (128 + N for signal N).</param>
/// <param name="Restarts">Restarts so far, counting the one it waits for.</param>
/// <param name="Delay">How long it waits after the exit.</param>
/// <param name="RestartAt">When it restarts.</param>
public sealed record WorkerBackOff(string Worker, int ExitCode, int Restarts, TimeSpan Delay, DateTimeOffset RestartAt)
{
    /// <summary>The exit code Kubernetes reports for a container that could not be started (reason StartError).</summary>
    public const int StartErrorExitCode = 128;

    /// <summary>Why the process could not be started at all; null when it started and exited.</summary>
    public string? StartError { get; init; }

    public string Message => StartError is null
        ? string.Create(CultureInfo.InvariantCulture,
            $"{Worker} exited with code {ExitCode}; back-off {Delay.TotalSeconds:0.#} s before restart {Restarts} at {RestartAt.UtcDateTime:HH:mm:ss}Z.")
        : string.Create(CultureInfo.InvariantCulture,
            $"{Worker} could not be started ({StartError}); back-off {Delay.TotalSeconds:0.#} s before try {Restarts} at {RestartAt.UtcDateTime:HH:mm:ss}Z.");
}
