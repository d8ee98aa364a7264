namespace ImageRec.Common.Aws.Sqs;

/// <summary>Error codes we act on (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).</summary>
public static class SqsErrorCodes
{
    public const string QueueDoesNotExist = "QueueDoesNotExist";
    public const string LegacyQueueDoesNotExist = "AWS.SimpleQueueService.NonExistentQueue";
    public const string NetworkError = "NetworkError";
    public const string RequestTimeout = "RequestTimeout";

    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "RequestThrottled", "ServiceUnavailable", "InternalFailure",
        "InternalError", "RequestTimeout", "KmsThrottled", "KMS.ThrottlingException", "SlowDown",
    };

    public static bool IsTransient(string code) => Transient.Contains(code);
}
