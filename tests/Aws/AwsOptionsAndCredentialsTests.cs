using Amazon.Runtime;
using Amazon.S3;
using ImageRec.Common.Aws;
using ImageRec.Common.Aws.Credentials;
using ImageRec.Common.Aws.Sqs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Aws;

/// <summary>Configuration binding, credential sources and the DI registration of <c>AddImageRecAws</c>.</summary>
public sealed class AwsOptionsAndCredentialsTests
{
    [Fact]
    public void Options_bind_from_the_Aws_section()
    {
        using var services = BuildServices(new()
        {
            ["Aws:Region"] = "eu-west-1",
            ["Aws:ServiceUrl"] = "http://127.0.0.1:4566",
            ["Aws:AccessKeyId"] = "test",
            ["Aws:SecretAccessKey"] = "test",
            ["Aws:Sqs:MaxAttempts"] = "2",
            ["Aws:Sqs:RequestTimeout"] = "00:00:05",
        });

        var options = services.GetRequiredService<IOptions<AwsOptions>>().Value;

        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4566/"), options.GetSqsEndpoint());
        Assert.True(options.HasStaticCredentials);
        Assert.Equal(2, options.Sqs.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Sqs.RequestTimeout);
    }

    [Fact]
    public void Without_an_override_SQS_uses_the_regional_endpoint()
    {
        Assert.Equal(new Uri("https://sqs.eu-central-1.amazonaws.com/"), new AwsOptions { Region = "eu-central-1" }.GetSqsEndpoint());
        Assert.Equal(new Uri("https://sqs.cn-north-1.amazonaws.com.cn/"), new AwsOptions { Region = "cn-north-1" }.GetSqsEndpoint());
    }

    [Fact]
    public async Task Static_credentials_from_options_are_used_for_signing_and_for_the_SDK()
    {
        using var services = BuildServices(new()
        {
            ["Aws:AccessKeyId"] = "AKIDSTATIC",
            ["Aws:SecretAccessKey"] = "secret",
            ["Aws:SessionToken"] = "token",
        });

        var snapshot = await services.GetRequiredService<IAwsCredentialsSource>().GetCredentialsAsync(CancellationToken.None);
        var sdk = await services.GetRequiredService<AWSCredentials>().GetCredentialsAsync();

        Assert.Equal(new AwsCredentialsSnapshot("AKIDSTATIC", "secret", "token"), snapshot);
        Assert.Equal("AKIDSTATIC", sdk.AccessKey);
        Assert.Equal("token", sdk.Token);
    }

    [Fact]
    public async Task Sdk_credentials_are_copied_into_snapshots_and_reused_while_unchanged()
    {
        var source = new SdkAwsCredentialsSource(new SessionAWSCredentials("AKID", "secret", "token"));

        var first = await source.GetCredentialsAsync(CancellationToken.None);
        var second = await source.GetCredentialsAsync(CancellationToken.None);

        Assert.Equal(new AwsCredentialsSnapshot("AKID", "secret", "token"), first);
        Assert.Same(first, second);
        Assert.DoesNotContain("secret", first.ToString());
    }

    [Fact]
    public async Task Basic_sdk_credentials_have_no_session_token()
    {
        var snapshot = await new SdkAwsCredentialsSource(new BasicAWSCredentials("AKID", "secret")).GetCredentialsAsync(CancellationToken.None);

        Assert.False(snapshot.HasSessionToken);
        Assert.Null(snapshot.SessionToken);
    }

    [Fact]
    public void AddImageRecAws_registers_the_clients()
    {
        using var services = BuildServices(new()
        {
            ["Aws:ServiceUrl"] = "http://127.0.0.1:4566",
            ["Aws:AccessKeyId"] = "test",
            ["Aws:SecretAccessKey"] = "test",
        });

        Assert.IsType<SqsClient>(services.GetRequiredService<ISqsClient>());
        var s3 = Assert.IsType<AmazonS3Client>(services.GetRequiredService<IAmazonS3>());
        var config = Assert.IsType<AmazonS3Config>(s3.Config);
        Assert.True(config.ForcePathStyle);
        Assert.Equal("us-east-1", config.AuthenticationRegion);
        Assert.StartsWith("http://127.0.0.1:4566", config.ServiceURL);
    }

    private static ServiceProvider BuildServices(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddImageRecAws(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
}
