using System.Net;

namespace ImageRec.Common.Aws.Sqs;

/// <summary>
/// An SQS call failed: an error response (JSON <c>__type</c>/<c>message</c>, see
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html),
/// a network failure or a timeout.
/// </summary>
public class SqsException : Exception
{
    public SqsException(string errorCode, string message, HttpStatusCode? statusCode, bool isTransient,
        string? queryErrorCode = null, Exception? innerException = null)
        : base($"SQS {errorCode}: {message}", innerException)
    {
        ErrorCode = errorCode;
        ErrorMessage = message;
        StatusCode = statusCode;
        IsTransient = isTransient;
        QueryErrorCode = queryErrorCode;
    }

    /// <summary>Short code, e.g. <c>QueueDoesNotExist</c>, <c>ThrottlingException</c>, or <c>NetworkError</c>/<c>RequestTimeout</c> for client-side failures.</summary>
    public string ErrorCode { get; }

    public string ErrorMessage { get; }

    /// <summary>HTTP status of the error response; null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>True when the same call may succeed later (5xx, throttling, network errors, timeouts).</summary>
    public bool IsTransient { get; }

    /// <summary>Legacy query-protocol code from <c>x-amzn-query-error</c>, e.g. <c>AWS.SimpleQueueService.NonExistentQueue</c>.</summary>
    public string? QueryErrorCode { get; }
}
