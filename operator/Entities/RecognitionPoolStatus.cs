using System.ComponentModel;

namespace ImageRec.Operator.Entities;

[Description("What the operator last observed and did.")]
public sealed record RecognitionPoolStatus
{
    [Description("Worker pods that exist.")]
    public int Replicas { get; init; }

    [Description("Worker pods that are ready.")]
    public int ReadyReplicas { get; init; }

    [Description("Workers the autoscaler wants now.")]
    public int DesiredReplicas { get; init; }

    [Description("Queue depth at the last poll.")]
    public QueueStatus? Queue { get; init; }

    [Description("When the worker count last changed.")]
    public DateTimeOffset? LastScaleTime { get; init; }

    [Description("The spec generation this status describes.")]
    public long ObservedGeneration { get; init; }

    [Description("Ready, QueueReachable and Scaling, with reasons.")]
    public IReadOnlyList<PoolCondition> Conditions { get; init; } = [];
}

public sealed record QueueStatus
{
    [Description("ApproximateNumberOfMessages: waiting to be received.")]
    public long Visible { get; init; }

    [Description("ApproximateNumberOfMessagesNotVisible: received and not yet deleted.")]
    public long InFlight { get; init; }

    [Description("ApproximateNumberOfMessagesDelayed.")]
    public long Delayed { get; init; }

    public DateTimeOffset ObservedAt { get; init; }
}

/// <summary>A condition in the shape of metav1.Condition.</summary>
public sealed record PoolCondition
{
    public required string Type { get; init; }

    [Description("True, False or Unknown.")]
    public required string Status { get; init; }

    public long ObservedGeneration { get; init; }
    public DateTimeOffset LastTransitionTime { get; init; }

    [Description("CamelCase reason.")]
    public required string Reason { get; init; }

    public string Message { get; init; } = "";
}
