using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using ImageRec.Common.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Aws;

/// <summary>
/// <c>AddImageRecAws</c>: the <c>Aws</c> keys the services, the chart and run-local.sh set become the SDK clients'
/// region, endpoint, credentials and retry settings.
/// </summary>
public sealed class AwsRegistrationTests
{
    [Fact]
    public void Options_bind_from_the_Aws_section()
    {
        using var services = BuildServices(Emulator);

        var options = services.GetRequiredService<IOptions<AwsOptions>>().Value;

        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal("http://127.0.0.1:4566", options.ServiceUrl);
        Assert.True(options.HasStaticCredentials);
    }

    [Fact]
    public void With_an_endpoint_override_every_client_goes_to_it_signs_for_the_region_and_S3_is_path_style()
    {
        using var services = BuildServices(Emulator);
        var dynamoDb = Assert.IsType<AmazonDynamoDBClient>(services.GetRequiredService<IAmazonDynamoDB>());
        Assert.StartsWith("http://127.0.0.1:4566", dynamoDb.Config.ServiceURL);
        Assert.Equal("eu-west-1", dynamoDb.Config.AuthenticationRegion);

        var sqs = Assert.IsType<AmazonSQSClient>(services.GetRequiredService<IAmazonSQS>());
        var s3 = Assert.IsType<AmazonS3Client>(services.GetRequiredService<IAmazonS3>());
        var s3Config = Assert.IsType<AmazonS3Config>(s3.Config);

        Assert.StartsWith("http://127.0.0.1:4566", sqs.Config.ServiceURL);
        Assert.Equal("eu-west-1", sqs.Config.AuthenticationRegion);
        Assert.StartsWith("http://127.0.0.1:4566", s3Config.ServiceURL);
        Assert.Equal("eu-west-1", s3Config.AuthenticationRegion);
        Assert.True(s3Config.ForcePathStyle);
    }

    [Fact]
    public void Without_an_override_the_clients_use_the_regional_endpoints_and_virtual_hosted_S3()
    {
        using var services = BuildServices(new()
        {
            ["Aws:Region"] = "eu-central-1",
            ["Aws:AccessKeyId"] = "test",
            ["Aws:SecretAccessKey"] = "test",
        });

        var sqs = services.GetRequiredService<IAmazonSQS>();
        var s3 = services.GetRequiredService<IAmazonS3>();

        Assert.Null(sqs.Config.ServiceURL);
        Assert.Equal("eu-central-1", sqs.Config.RegionEndpoint?.SystemName);
        Assert.Equal("eu-central-1", s3.Config.RegionEndpoint?.SystemName);
        Assert.False(((AmazonS3Config)s3.Config).ForcePathStyle);
    }

    [Fact]
    public void Retries_are_the_standard_mode_with_the_chosen_counts_and_a_long_poll_fits_in_an_SQS_attempt()
    {
        using var services = BuildServices(new() { ["Aws:AccessKeyId"] = "test", ["Aws:SecretAccessKey"] = "test" });

        var sqs = services.GetRequiredService<IAmazonSQS>().Config;
        var s3 = services.GetRequiredService<IAmazonS3>().Config;
        var dynamoDb = services.GetRequiredService<IAmazonDynamoDB>().Config;

        Assert.Equal((RequestRetryMode.Standard, AwsServiceCollectionExtensions.SqsMaxErrorRetry), (sqs.RetryMode, sqs.MaxErrorRetry));
        Assert.Equal((RequestRetryMode.Standard, AwsServiceCollectionExtensions.S3MaxErrorRetry), (s3.RetryMode, s3.MaxErrorRetry));
        Assert.Equal((RequestRetryMode.Standard, AwsServiceCollectionExtensions.DynamoDbMaxErrorRetry), (dynamoDb.RetryMode, dynamoDb.MaxErrorRetry));
        // No retries of reset connections beside that limit (the SDK's default is 10 more).
        Assert.Equal((0, 0, 0), (sqs.MaxStaleConnectionRetries, s3.MaxStaleConnectionRetries, dynamoDb.MaxStaleConnectionRetries));
        // An index call takes milliseconds: a hung one fails the upload soon (503) rather than holding it.
        Assert.Equal(AwsServiceCollectionExtensions.DynamoDbAttemptTimeout, dynamoDb.Timeout);
        // SQS long polls last up to 20 s: an attempt must outlast one.
        Assert.True(sqs.Timeout > TimeSpan.FromSeconds(20), $"SQS attempt timeout {sqs.Timeout}");
    }

    [Fact]
    public async Task Static_keys_are_the_clients_credentials_with_a_session_token_when_given()
    {
        var options = new AwsOptions { AccessKeyId = "AKIDSTATIC", SecretAccessKey = "secret", SessionToken = "token" };

        var sdk = AwsServiceCollectionExtensions.SdkOptions(options);
        var credentials = await sdk.Credentials!.GetCredentialsAsync();

        Assert.Equal(("AKIDSTATIC", "secret", "token"), (credentials.AccessKey, credentials.SecretKey, credentials.Token));
        Assert.IsType<SessionAWSCredentials>(AwsServiceCollectionExtensions.StaticCredentials(options));
        Assert.IsType<BasicAWSCredentials>(AwsServiceCollectionExtensions.StaticCredentials(new AwsOptions { AccessKeyId = "AKIDSTATIC", SecretAccessKey = "secret" }));
    }

    [Fact]
    public void Without_static_keys_the_SDK_default_chain_is_left_to_find_credentials()
    {
        // Null credentials: AWSSDK.Extensions.NETCore.Setup then uses the SDK's default chain (environment, profile,
        // web identity for IRSA, EKS Pod Identity, instance metadata).
        Assert.Null(AwsServiceCollectionExtensions.SdkOptions(new AwsOptions()).Credentials);
        Assert.Null(AwsServiceCollectionExtensions.SdkOptions(new AwsOptions { AccessKeyId = "only the id" }).Credentials);
    }

    /// <summary>What run-local.sh and the test fixtures set: the emulator's endpoint and its static keys.</summary>
    private static Dictionary<string, string?> Emulator => new()
    {
        ["Aws:Region"] = "eu-west-1",
        ["Aws:ServiceUrl"] = "http://127.0.0.1:4566",
        ["Aws:AccessKeyId"] = "test",
        ["Aws:SecretAccessKey"] = "test",
    };

    private static ServiceProvider BuildServices(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddImageRecAws(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
}
