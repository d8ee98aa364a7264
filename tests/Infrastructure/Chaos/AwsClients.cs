using Amazon.Runtime;
using Amazon.S3;
using ImageRec.Common.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// The services' own SQS and S3 clients (<c>AddImageRecAws</c>), or an S3 client without retries, pointed at an endpoint: the
/// emulator, or a proxy in front of it.
/// </summary>
public static class AwsClients
{
    public static IConfiguration Configuration(Uri endpoint) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Aws:ServiceUrl"] = endpoint.ToString(),
        ["Aws:AccessKeyId"] = "local",
        ["Aws:SecretAccessKey"] = "local",
    }).Build();

    public static ServiceProvider For(Uri endpoint) =>
        new ServiceCollection().AddLogging().AddImageRecAws(Configuration(endpoint)).BuildServiceProvider();

    /// <summary>An S3 client pointed at <paramref name="endpoint"/> without the SDK's retries, so an injected failure arrives at once.</summary>
    public static AmazonS3Client S3WithoutRetries(Uri endpoint) => new(new BasicAWSCredentials("local", "local"),
        new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
}
