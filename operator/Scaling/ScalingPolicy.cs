using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Scaling;

/// <summary>
/// Queue depth in, worker count out — the pure part of the autoscaler, KEDA's SQS scaler semantics
/// with Kubernetes HPA's scale-down stabilisation:
/// <list type="bullet">
/// <item>backlog = visible (+ in-flight when <c>countInFlight</c>); desired = ceil(backlog / messagesPerReplica);</item>
/// <item>a pool at zero wakes (0 → 1) only when the backlog reaches <c>activationMessages</c>;</item>
/// <item>a running pool goes to zero only when visible, in-flight and delayed are all 0 (never kill busy workers);</item>
/// <item>the result is clamped to [minReplicas, maxReplicas];</item>
/// <item>scale-out happens at once; scale-in only after the lower value held for the stabilisation
///   window (the largest recommendation within the window wins, as in the HPA);</item>
/// <item>an unreadable queue keeps the current count: errors never scale a pool in.</item>
/// </list>
/// One instance per pool: it remembers recent recommendations.
/// </summary>
public sealed class ScalingPolicy
{
    private readonly List<(DateTimeOffset At, int Replicas)> _recommendations = [];

    public ScalingDecision Decide(QueueDepth? depth, int current, ScalingSpec spec, TimeSpan stabilization, DateTimeOffset now)
    {
        if (depth is null)
            return new ScalingDecision(current, "QueueUnreachable", $"Queue depth unknown; keeping {current} workers.");

        var (recommended, reason, message) = Recommend(depth, current, spec);
        _recommendations.Add((now, recommended));
        _recommendations.RemoveAll(r => r.At < now - stabilization);

        if (recommended >= current)
            return new ScalingDecision(recommended, reason, message);

        // Scaling in: the highest recommendation of the window decides, so a dip must last the window.
        var stabilized = Math.Min(current, _recommendations.Max(r => r.Replicas));
        if (stabilized > recommended)
            return new ScalingDecision(stabilized, "StabilizingScaleIn",
                $"{message} Waiting for it to hold {stabilization.TotalSeconds:0.#} s before scaling in from {current}.");
        return new ScalingDecision(recommended, reason, message);
    }

    /// <summary>The recommendation for this one reading, before stabilisation.</summary>
    internal static (int Replicas, string Reason, string Message) Recommend(QueueDepth depth, int current, ScalingSpec spec)
    {
        var backlog = depth.Visible + (spec.CountInFlight ? depth.InFlight : 0);
        var wanted = (int)Math.Min(int.MaxValue, (backlog + spec.MessagesPerReplica - 1) / spec.MessagesPerReplica);
        var counted = spec.CountInFlight ? $"{depth.Visible} waiting + {depth.InFlight} in flight" : $"{depth.Visible} waiting";
        var message = $"Backlog {backlog} ({counted}) at {spec.MessagesPerReplica} per worker wants {wanted}.";

        if (current == 0 && spec.MinReplicas == 0 && backlog < spec.ActivationMessages)
            return (0, "BelowActivation", $"Backlog {backlog} is below activationMessages {spec.ActivationMessages}; staying at zero.");
        if (wanted == 0 && !depth.IsEmpty)
        {
            wanted = 1;
            message = $"Queue not empty ({depth.Visible} waiting, {depth.InFlight} in flight, {depth.Delayed} delayed); keeping at least one worker.";
        }

        var clamped = Math.Clamp(wanted, spec.MinReplicas, spec.MaxReplicas);
        if (clamped != wanted)
            message += clamped > wanted ? $" Raised to minReplicas {spec.MinReplicas}." : $" Capped at maxReplicas {spec.MaxReplicas}.";
        var reason = clamped > current ? (current == 0 ? "Activated" : "ScaledOut")
            : clamped == current ? "Stable"
            : clamped == 0 ? "ScaledToZero" : "ScaledIn";
        return (clamped, reason, message);
    }
}
