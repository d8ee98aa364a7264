using Amazon.Runtime;

namespace ImageRec.Worker.Processing;

/// <summary>Which S3 failures are worth another attempt later (the message is then left for redelivery).</summary>
internal static class StorageErrors
{
    public static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is AmazonServiceException or AmazonClientException or IOException or HttpRequestException or TimeoutException
            or TaskCanceledException;
}
