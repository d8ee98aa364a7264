namespace ImageRec.Operator.Scaling;

/// <summary>The three SQS queue counters scaling looks at, and when they were read.</summary>
/// <param name="Visible">ApproximateNumberOfMessages: waiting to be received.</param>
/// <param name="InFlight">ApproximateNumberOfMessagesNotVisible: received, not yet deleted.</param>
/// <param name="Delayed">ApproximateNumberOfMessagesDelayed: sent with a delay, not yet visible.</param>
public sealed record QueueDepth(long Visible, long InFlight, long Delayed, DateTimeOffset ObservedAt)
{
    public bool IsEmpty => Visible == 0 && InFlight == 0 && Delayed == 0;
}
