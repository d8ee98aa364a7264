using AmazonClientException = Amazon.Runtime.AmazonClientException;
using AmazonServiceException = Amazon.Runtime.AmazonServiceException;
using ImageRec.Common.Aws.Sqs;

namespace ImageRec.WebTier;

/// <summary>Which exceptions mean S3 or SQS failed under a request: not the caller's fault, and usually brief.</summary>
public static class DependencyErrors
{
    public static bool IsDependencyFailure(Exception exception, CancellationToken requestAborted) => exception switch
    {
        // Reading the caller's own request body failed (it is an IOException too): the caller's problem.
        BadHttpRequestException => false,
        SqsException or AmazonServiceException or AmazonClientException or HttpRequestException or TimeoutException => true,
        // The S3 SDK lets a connection reset or a truncated response surface as a bare IOException.
        IOException => true,
        // An S3 call that timed out while the caller is still there (not the caller giving up).
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        _ => false,
    };
}
