namespace ImageRec.Operator.Scaling;

/// <summary>What an actuator observed of a pool's workers.</summary>
/// <param name="Replicas">Workers that exist and are not terminating.</param>
/// <param name="ReadyReplicas">Of those, the ones that pass their readiness check.</param>
public sealed record WorkerFleet(int Replicas, int ReadyReplicas);
