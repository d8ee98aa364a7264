using System.Collections.Concurrent;
using System.Globalization;
using ImageRec.Common.Aws;
using ImageRec.Common.Aws.Credentials;
using ImageRec.Common.Aws.Signing;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Operator.Entities;
using Microsoft.Extensions.Options;

namespace ImageRec.Operator.Scaling;

/// <summary>
/// GetQueueAttributes for ApproximateNumberOfMessages, …NotVisible and …Delayed — the one SQS call
/// the operator makes (its IAM policy allows nothing else). Pools may live in different regions or
/// point at an emulator, so there is one client per (region, endpoint), sharing the operator's
/// credentials.
/// </summary>
public sealed class SqsQueueDepthReader(
    IHttpClientFactory httpClients,
    IAwsCredentialsSource credentials,
    IAwsRequestSigner signer,
    IOptions<AwsOptions> defaults,
    TimeProvider time,
    ILoggerFactory loggers) : IQueueDepthReader
{
    private static readonly string[] Attributes =
    [
        SqsQueueAttributeNames.ApproximateNumberOfMessages,
        SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible,
        SqsQueueAttributeNames.ApproximateNumberOfMessagesDelayed,
    ];

    private readonly ConcurrentDictionary<(string Region, string? Endpoint), ISqsClient> _clients = new();

    public async Task<QueueDepth> ReadAsync(QueueSpec queue, CancellationToken cancellationToken)
    {
        var client = _clients.GetOrAdd((queue.Region, string.IsNullOrWhiteSpace(queue.Endpoint) ? defaults.Value.ServiceUrl : queue.Endpoint), Create);
        var values = await client.GetQueueAttributesAsync(queue.Url, Attributes, cancellationToken);
        return new QueueDepth(Count(values, Attributes[0]), Count(values, Attributes[1]), Count(values, Attributes[2]), time.GetUtcNow());
    }

    private ISqsClient Create((string Region, string? Endpoint) key)
    {
        var options = defaults.Value;
        var poolOptions = new AwsOptions
        {
            Region = key.Region,
            ServiceUrl = key.Endpoint,
            AccessKeyId = options.AccessKeyId,
            SecretAccessKey = options.SecretAccessKey,
            SessionToken = options.SessionToken,
            Sqs = options.Sqs,
        };
        return new SqsClient(httpClients.CreateClient(nameof(SqsQueueDepthReader)), credentials, signer,
            Options.Create(poolOptions), time, loggers.CreateLogger<SqsClient>());
    }

    private static long Count(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
}
