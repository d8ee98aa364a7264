using System.Collections.Concurrent;
using System.Globalization;
using Amazon;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws;
using ImageRec.Operator.Entities;
using Microsoft.Extensions.Options;

namespace ImageRec.Operator.Scaling;

/// <summary>
/// GetQueueAttributes for ApproximateNumberOfMessages, …NotVisible and …Delayed — the one SQS call the operator
/// makes (its IAM policy allows nothing else) — through the AWS SDK. Pools may live in different regions or point
/// at an emulator, so there is one client per (region, endpoint), all with the operator's credentials and the
/// services' SQS retry settings (<see cref="AwsServiceCollectionExtensions.ConfigureSqs"/>).
/// A counter missing from the answer, or not a count, fails the read: scaling on a made-up 0 could remove every
/// worker while the queue is full.
/// </summary>
public sealed class SqsQueueDepthReader(IOptions<AwsOptions> defaults, TimeProvider time) : IQueueDepthReader, IDisposable
{
    private static readonly string[] Attributes =
    [
        QueueAttributeName.ApproximateNumberOfMessages,
        QueueAttributeName.ApproximateNumberOfMessagesNotVisible,
        QueueAttributeName.ApproximateNumberOfMessagesDelayed,
    ];

    private readonly ConcurrentDictionary<(string Region, string? Endpoint), Lazy<IAmazonSQS>> _clients = new();

    public async Task<QueueDepth> ReadAsync(QueueSpec queue, CancellationToken cancellationToken)
    {
        var key = (queue.Region, string.IsNullOrWhiteSpace(queue.Endpoint) ? defaults.Value.ServiceUrl : queue.Endpoint);
        Dictionary<string, string>? values;
        try
        {
            // PublicationOnly: a client that could not be made is not remembered, the next pass tries again.
            var client = _clients.GetOrAdd(key, k => new Lazy<IAmazonSQS>(() => Create(k.Region, k.Endpoint), LazyThreadSafetyMode.PublicationOnly)).Value;
            values = (await client.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queue.Url, AttributeNames = [.. Attributes] },
                cancellationToken)).Attributes;
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken) || e is ArgumentException or FormatException or InvalidOperationException)
        {
            // Missing credentials surface here too (AmazonClientException), as does a region or endpoint the SDK cannot use.
            throw new QueueDepthUnavailableException(AwsCallFailures.Code(e), e.Message, e);
        }
        return new QueueDepth(Count(values, Attributes[0]), Count(values, Attributes[1]), Count(values, Attributes[2]), time.GetUtcNow());
    }

    private AmazonSQSClient Create(string region, string? endpoint)
    {
        var config = new AmazonSQSConfig();
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }
        AwsServiceCollectionExtensions.ConfigureSqs(config);
        // Without static keys the SDK resolves the default chain itself, per request, and refreshes what expires
        // (web identity, container and instance credentials): resolving it once here would pin a failure or an old key.
        return AwsServiceCollectionExtensions.StaticCredentials(defaults.Value) is { } credentials
            ? new AmazonSQSClient(credentials, config)
            : new AmazonSQSClient(config);
    }

    /// <summary>The counter's value; a missing or garbled one fails the whole read (never a silent 0).</summary>
    private static long Count(Dictionary<string, string>? values, string name) =>
        values is not null && values.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new QueueDepthUnavailableException("IncompleteAttributes",
                values is not null && values.TryGetValue(name, out var garbled)
                    ? $"GetQueueAttributes answered {name} = \"{garbled}\", not a count"
                    : $"GetQueueAttributes answered without {name}");

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated)) client.Value.Dispose();
    }
}
