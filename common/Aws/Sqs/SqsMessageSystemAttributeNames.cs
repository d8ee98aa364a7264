namespace ImageRec.Common.Aws.Sqs;

/// <summary>Names for <c>MessageSystemAttributeNames</c> in ReceiveMessage.</summary>
public static class SqsMessageSystemAttributeNames
{
    public const string All = "All";
    public const string ApproximateReceiveCount = "ApproximateReceiveCount";
    public const string ApproximateFirstReceiveTimestamp = "ApproximateFirstReceiveTimestamp";
    public const string SentTimestamp = "SentTimestamp";
    public const string SenderId = "SenderId";
}
