using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace ImageRec.Common.Aws.S3;

/// <summary>
/// Builds the AWSSDK.S3 client. With an endpoint override (emulator) it uses path-style addressing,
/// since virtual-hosted bucket names cannot resolve on 127.0.0.1, and signs for the configured region.
/// </summary>
public static class AwsS3ClientFactory
{
    public static AmazonS3Client Create(AwsOptions options, AWSCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        var config = new AmazonS3Config
        {
            // The SDK's standard retry mode: exponential backoff with jitter on throttling, 5xx and
            // connection errors, within a token bucket that stops retry storms during an outage.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 4,
        };
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.Region;
        }
        return new AmazonS3Client(credentials, config);
    }
}
