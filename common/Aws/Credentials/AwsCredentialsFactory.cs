using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace ImageRec.Common.Aws.Credentials;

/// <summary>Turns <see cref="AwsOptions"/> into credentials for the AWS SDK clients and for our signer.</summary>
public static class AwsCredentialsFactory
{
    /// <summary>
    /// Static credentials when configured, otherwise the SDK's default chain
    /// (https://docs.aws.amazon.com/sdk-for-net/v4/developer-guide/creds-assign.html): environment,
    /// shared profile, web identity (IRSA), EKS Pod Identity / container endpoint, EC2 IMDS.
    /// </summary>
    public static AWSCredentials CreateSdkCredentials(AwsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HasStaticCredentials)
        {
            return string.IsNullOrEmpty(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
                : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken);
        }
        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }

    /// <summary>Static snapshot source when configured, otherwise an adapter over <paramref name="sdkCredentials"/>.</summary>
    public static IAwsCredentialsSource CreateSource(AwsOptions options, Func<AWSCredentials> sdkCredentials)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HasStaticCredentials)
        {
            return new StaticAwsCredentialsSource(new AwsCredentialsSnapshot(
                options.AccessKeyId!, options.SecretAccessKey!, string.IsNullOrEmpty(options.SessionToken) ? null : options.SessionToken));
        }
        return new SdkAwsCredentialsSource(sdkCredentials());
    }
}
