using Amazon.Runtime;

namespace ImageRec.Common.Aws;

/// <summary>
/// Which exceptions mean an AWS call failed, for any reason, rather than a bug of ours or the caller giving up: what
/// the loops that must outlive any one failed call (the reply queue, the worker's receive loop and heartbeat) catch
/// and log. Whether trying again soon may help is <see cref="TransientAwsErrors"/>'s question.
/// </summary>
public static class AwsCallFailures
{
    public static bool IsCallFailure(Exception exception, CancellationToken callerCancellation) =>
        exception is AmazonServiceException or AmazonClientException || TransientAwsErrors.IsTransient(exception, callerCancellation);

    /// <summary>A short name of the failure for logs and metric labels: the service's error code, else the exception type.</summary>
    public static string Code(Exception exception) =>
        exception is AmazonServiceException { ErrorCode: { Length: > 0 } code } ? code : exception.GetType().Name;
}
