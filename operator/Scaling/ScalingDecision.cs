namespace ImageRec.Operator.Scaling;

/// <summary>What the autoscaler wants and why, in words for status conditions and events.</summary>
/// <param name="Desired">Workers wanted now.</param>
/// <param name="Reason">CamelCase reason (ScaledOut, StabilizingScaleIn, QueueUnreachable, …).</param>
/// <param name="Message">A sentence a user can read in <c>kubectl describe</c>.</param>
public sealed record ScalingDecision(int Desired, string Reason, string Message);
