namespace ImageRec.Common.Aws.Sqs;

/// <summary>Queue attribute names for CreateQueue and GetQueueAttributes.</summary>
public static class SqsQueueAttributeNames
{
    public const string All = "All";
    public const string ApproximateNumberOfMessages = "ApproximateNumberOfMessages";
    public const string ApproximateNumberOfMessagesNotVisible = "ApproximateNumberOfMessagesNotVisible";
    public const string ApproximateNumberOfMessagesDelayed = "ApproximateNumberOfMessagesDelayed";
    public const string VisibilityTimeout = "VisibilityTimeout";
    public const string DelaySeconds = "DelaySeconds";
    public const string MessageRetentionPeriod = "MessageRetentionPeriod";
    public const string ReceiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds";
    public const string QueueArn = "QueueArn";

    /// <summary>JSON <c>{"deadLetterTargetArn":"…","maxReceiveCount":"N"}</c>; see <see cref="SqsRedrivePolicy"/>.</summary>
    public const string RedrivePolicy = "RedrivePolicy";
}
