namespace ImageRec.Operator.Scaling;

/// <summary>
/// A pool's queue counters could not be read, or came back incomplete: the autoscaler then reports the queue
/// unreachable and keeps the replicas it has. Never read as a depth of 0, which would allow a scale-in.
/// </summary>
public sealed class QueueDepthUnavailableException(string reason, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>Short reason for conditions and metric labels: the service's error code, or what was wrong with the answer.</summary>
    public string Reason { get; } = reason;
}
