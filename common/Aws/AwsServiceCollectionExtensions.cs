using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageRec.Common.Aws;

/// <summary>
/// Registers the AWS SDK's <see cref="IAmazonSQS"/>, <see cref="IAmazonS3"/> and <see cref="IAmazonDynamoDB"/> from the <c>Aws</c> configuration
/// section (<see cref="AwsOptions"/>) through AWSSDK.Extensions.NETCore.Setup, so the services stand on the SDK's
/// protocol, signing, credential refresh and retry code instead of their own.
/// </summary>
/// <remarks>
/// <para>Credentials: the static keys when <c>Aws:AccessKeyId</c>/<c>Aws:SecretAccessKey</c> are set (the local
/// emulator); otherwise the SDK's default chain: environment, profile, web identity (IRSA), EKS Pod Identity /
/// container endpoint, EC2 instance metadata.</para>
/// <para>Endpoint: <c>Aws:ServiceUrl</c> (the emulator) replaces the regional endpoints; requests then go to that
/// URL, whatever host the queue URLs name (the emulator answers <c>sqs.us-east-1.localhost</c>), and S3 uses
/// path-style addressing, since bucket names cannot be virtual hosts of 127.0.0.1.</para>
/// <para>Retries, chosen per call; the SDK has no per-request setting, so every SQS call shares one client whose
/// settings fit them all (<see cref="ConfigureSqs"/>): the standard retry mode (exponential backoff with jitter on
/// throttling, 5xx and connection errors, inside a token bucket that stops retry storms during an outage), at most
/// <see cref="SqsMaxErrorRetry"/> retries. The SDK's separate retries of a reset connection
/// (<c>MaxStaleConnectionRetries</c>, 10 by default and outside that limit) are turned off: a reset can come after
/// the service took a SendMessage, and .NET's connection pool already retries a request whose reused connection
/// fails before sending it. So every attempt, a reset one too, counts against the one limit.</para>
/// <list type="bullet">
/// <item>ReceiveMessage (the worker's and the reply queue's long polls): retried. Messages handed to an answer that
/// was lost come back after their visibility timeout; the retry itself duplicates nothing.</item>
/// <item>DeleteMessageBatch, ChangeMessageVisibility: retried; both are idempotent per receipt handle.</item>
/// <item>GetQueueUrl, GetQueueAttributes, CreateQueue (same attributes), DeleteQueue: retried; reads or idempotent.</item>
/// <item>SendMessage (a job from the web tier or its sweeper, a reply from the worker): retried, knowingly. A retry
/// after a lost answer sends the message twice, but the system already takes every message at least once (a
/// standard queue may deliver twice on its own, the sweeper re-queues): the worker does not run a job whose result
/// is stored, writes results create-only and runs a job once per batch, and the web tier answers a waiter once,
/// so a duplicated job still gives one result and one answer. Not retrying would fail the upload with a 503 on a
/// blip, and the client's new upload would be a second job under a new id: a duplicate the user does see.</item>
/// </list>
/// <para>S3 (<see cref="ConfigureS3"/>): the standard mode with <see cref="S3MaxErrorRetry"/> retries. Its writes
/// are whole-object PUTs (a retry rewrites the same bytes) or create-only (<see cref="S3.S3CreateOnlyPut"/>
/// recognises its own retried write).</para>
/// <para>DynamoDB (<see cref="ConfigureDynamoDb"/>, the image index): the standard mode with <see cref="DynamoDbMaxErrorRetry"/>
/// retries and a short attempt timeout (index calls take milliseconds; a hung one should fail the upload with a 503
/// rather than hold it). Its writes are idempotent or conditional, and each conditional one reads a retry of its own
/// lost write for what it is: adding an image already there is "already indexed", recording an outcome already
/// recorded is "already finished" (<see cref="Index.ImageIndex"/>). The one visible effect: a delete retried after a
/// lost answer finds nothing and says the image was not there (404 to a DELETE that did remove it).</para>
/// </remarks>
public static class AwsServiceCollectionExtensions
{
    /// <summary>Retries after the first attempt of every SQS call.</summary>
    public const int SqsMaxErrorRetry = 3;

    /// <summary>Retries after the first attempt of every S3 call.</summary>
    public const int S3MaxErrorRetry = 4;

    /// <summary>Retries after the first attempt of every DynamoDB call.</summary>
    public const int DynamoDbMaxErrorRetry = 3;

    /// <summary>Per attempt of a DynamoDB call.</summary>
    public static readonly TimeSpan DynamoDbAttemptTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Per attempt of an SQS call: above the longest long poll (20 s, the SQS maximum) with room for a slow answer,
    /// so a poll is never cut off while it waits, yet a hung connection is given up within a minute.
    /// </summary>
    public static readonly TimeSpan SqsAttemptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Binds <see cref="AwsOptions"/> from <paramref name="configuration"/>'s <c>Aws</c> section and registers the
    /// SDK's <see cref="AWSOptions"/>, <see cref="IAmazonSQS"/>, <see cref="IAmazonS3"/> and <see cref="IAmazonDynamoDB"/> as singletons (created
    /// on first use). Clients registered before stay.
    /// </summary>
    public static IServiceCollection AddImageRecAws(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.SectionName));
        services.TryAddDefaultAWSOptions(sp => SdkOptions(sp.GetRequiredService<IOptions<AwsOptions>>().Value), ServiceLifetime.Singleton);
        services.TryAddAWSService<IAmazonSQS>((config, _) => ConfigureSqs(config), ServiceLifetime.Singleton);
        services.TryAddAWSService<IAmazonS3>((config, sp) => ConfigureS3(config, sp.GetRequiredService<IOptions<AwsOptions>>().Value),
            ServiceLifetime.Singleton);
        services.TryAddAWSService<IAmazonDynamoDB>((config, _) => ConfigureDynamoDb(config), ServiceLifetime.Singleton);
        return services;
    }

    /// <summary>The SDK's options from ours: region, endpoint override, and static credentials when configured.</summary>
    public static AWSOptions SdkOptions(AwsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sdk = new AWSOptions
        {
            Region = RegionEndpoint.GetBySystemName(options.Region),
            // Null: the SDK's default credential chain.
            Credentials = StaticCredentials(options),
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            sdk.DefaultClientConfig.ServiceURL = options.ServiceUrl;
            // With an endpoint override the region cannot be read from the host name; sign for the configured one.
            sdk.DefaultClientConfig.AuthenticationRegion = options.Region;
        }
        return sdk;
    }

    /// <summary>Static credentials when <see cref="AwsOptions.HasStaticCredentials"/>, else null.</summary>
    public static AWSCredentials? StaticCredentials(AwsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.HasStaticCredentials) return null;
        return string.IsNullOrEmpty(options.SessionToken)
            ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
            : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken);
    }

    /// <summary>The retry and timeout settings of every SQS client (see the remarks on this class for why).</summary>
    public static void ConfigureSqs(ClientConfig config) => RetryInStandardMode(config, SqsMaxErrorRetry, SqsAttemptTimeout);

    /// <summary>The retry and timeout settings of the DynamoDB client.</summary>
    public static void ConfigureDynamoDb(ClientConfig config) => RetryInStandardMode(config, DynamoDbMaxErrorRetry, DynamoDbAttemptTimeout);

    /// <summary>The retry settings of the S3 client, and path-style addressing with an endpoint override.</summary>
    public static void ConfigureS3(ClientConfig config, AwsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RetryInStandardMode(config, S3MaxErrorRetry, attemptTimeout: null);
        if (!string.IsNullOrEmpty(options.ServiceUrl)) ((AmazonS3Config)config).ForcePathStyle = true;
    }

    /// <summary>
    /// The standard retry mode with <paramref name="retries"/> retries, every one of them counted (no extra retries of
    /// a reset connection), and the SDK's attempt timeout unless <paramref name="attemptTimeout"/> is given.
    /// </summary>
    private static void RetryInStandardMode(ClientConfig config, int retries, TimeSpan? attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = retries;
        config.MaxStaleConnectionRetries = 0;
        if (attemptTimeout is { } timeout) config.Timeout = timeout;
    }
}
