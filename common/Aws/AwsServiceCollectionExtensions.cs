using Amazon.Runtime;
using Amazon.S3;
using ImageRec.Common.Aws.Credentials;
using ImageRec.Common.Aws.S3;
using ImageRec.Common.Aws.Signing;
using ImageRec.Common.Aws.Sqs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImageRec.Common.Aws;

/// <summary>Registers the AWS pieces: options, credentials, the SigV4 signer, <see cref="ISqsClient"/> and <see cref="IAmazonS3"/>.</summary>
public static class AwsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="AwsOptions"/> from <paramref name="configuration"/>'s <c>Aws</c> section and
    /// registers <see cref="AWSCredentials"/>, <see cref="IAwsCredentialsSource"/>,
    /// <see cref="IAwsRequestSigner"/> (SQS flavour), a typed-HttpClient <see cref="ISqsClient"/>
    /// and a singleton <see cref="IAmazonS3"/>.
    /// </summary>
    public static IServiceCollection AddImageRecAws(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        // Resolved lazily (first use), so a process without AWS credentials can still start.
        services.TryAddSingleton<AWSCredentials>(sp =>
            AwsCredentialsFactory.CreateSdkCredentials(sp.GetRequiredService<IOptions<AwsOptions>>().Value));
        services.TryAddSingleton<IAwsCredentialsSource>(sp =>
            AwsCredentialsFactory.CreateSource(sp.GetRequiredService<IOptions<AwsOptions>>().Value, sp.GetRequiredService<AWSCredentials>));
        services.TryAddSingleton<IAwsRequestSigner>(new SigV4RequestSigner(SigV4SignerOptions.Default));

        services.AddHttpClient<ISqsClient, SqsClient>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Pooled connections, recycled so DNS changes of the endpoint are picked up.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.TryAddSingleton<IAmazonS3>(sp =>
            AwsS3ClientFactory.Create(sp.GetRequiredService<IOptions<AwsOptions>>().Value, sp.GetRequiredService<AWSCredentials>()));
        return services;
    }
}
