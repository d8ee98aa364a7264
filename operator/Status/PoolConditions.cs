using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Status;

/// <summary>
/// The pool's conditions, following the Kubernetes API conventions for conditions: one entry per
/// type, lastTransitionTime changes only when the status flips.
/// </summary>
public static class PoolConditions
{
    public const string Ready = "Ready";
    public const string QueueReachable = "QueueReachable";
    public const string Scaling = "Scaling";

    public static IReadOnlyList<PoolCondition> Set(IReadOnlyList<PoolCondition> existing, PoolCondition condition, DateTimeOffset now)
    {
        var previous = existing.FirstOrDefault(c => c.Type == condition.Type);
        var updated = condition with
        {
            LastTransitionTime = previous is not null && previous.Status == condition.Status ? previous.LastTransitionTime : now,
        };
        return [.. existing.Where(c => c.Type != condition.Type), updated];
    }

    public static PoolCondition Of(string type, bool status, string reason, string message, long generation) => new()
    {
        Type = type,
        Status = status ? "True" : "False",
        Reason = reason,
        Message = message,
        ObservedGeneration = generation,
    };
}
