namespace ImageRec.Operator.Scaling;

/// <summary>What an actuator observed of a pool's workers.</summary>
/// <param name="Replicas">Workers that exist and are not terminating (those waiting out a crash back-off included, as pods in CrashLoopBackOff are).</param>
/// <param name="ReadyReplicas">Of those, the ones that pass their readiness check.</param>
public sealed record WorkerFleet(int Replicas, int ReadyReplicas)
{
    /// <summary>Workers that keep exiting and wait before their next restart (known in local mode only).</summary>
    public IReadOnlyList<WorkerBackOff> BackingOff { get; init; } = [];
}
