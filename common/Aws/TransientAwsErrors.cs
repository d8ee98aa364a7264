using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Common.Aws;

/// <summary>
/// The one answer, for the web tier and the worker alike, to "S3 or SQS failed: may the same call succeed
/// shortly?". Yes means the web tier answers 503 with Retry-After and the worker leaves the job for a retry after a
/// short backoff; no means retrying will not help (a refused permission, a missing queue or bucket, a bad request):
/// the web tier lets the default handling answer 500 and the worker leaves the message to its redrive policy.
/// Asked after the SDK's own retries (<see cref="AwsServiceCollectionExtensions"/>) gave up.
/// </summary>
public static class TransientAwsErrors
{
    /// <summary>
    /// Error codes services send for throttling, timeouts and server-side trouble, on top of the 429, 408, 500,
    /// 502, 503 and 504 statuses: the codes the SDK's standard retry mode retries
    /// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), and those SQS and S3 add
    /// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).
    /// </summary>
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "KmsThrottled", "KMS.ThrottlingException",
        "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable", "InternalFailure", "InternalError",
        "IDPCommunicationError",
    };

    /// <summary>
    /// True when <paramref name="exception"/> is an AWS call failing for a reason that usually passes: throttling,
    /// a 500, 502, 503 or 504 (not 501 Not Implemented or any other lasting 5xx) or a service fault, a broken or refused connection, a timeout. False for everything else, and for a
    /// cancellation the caller asked for (<paramref name="callerCancellation"/>): nobody is waiting any more.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerCancellation) => exception switch
    {
        // Reading the caller's own request body failed (it is an IOException too): the caller's problem.
        BadHttpRequestException => false,
        OperationCanceledException => !callerCancellation.IsCancellationRequested,
        AmazonServiceException service => IsTransient(service) || Inner(service, callerCancellation),
        // Raised before any answer came: credentials that could not be fetched, a connection that failed.
        AmazonClientException client => Inner(client, callerCancellation),
        HttpRequestException or IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    private static bool IsTransient(AmazonServiceException e) =>
        (e.ErrorCode is { } code && TransientCodes.Contains(code))
        || e.StatusCode switch
        {
            // The statuses the SDK's standard retry mode retries: throttled, timed out, a server or gateway that
            // failed or is overloaded for now.
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.InternalServerError
                or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => true,
            // Any other 5xx is the server's lasting answer to this request, whoever's side it blames: 501 Not
            // Implemented (a store without conditional writes refusing If-None-Match), 505 HTTP Version Not
            // Supported, 511 Network Authentication Required… Only a transient code above makes one transient.
            >= HttpStatusCode.InternalServerError => false,
            // The service says the fault is on its side (SQS's x-amzn-query-error "…;Receiver").
            _ => e.ErrorType == ErrorType.Receiver,
        };

    private static bool Inner(Exception e, CancellationToken callerCancellation) =>
        e.InnerException is { } inner && IsTransient(inner, callerCancellation);
}
