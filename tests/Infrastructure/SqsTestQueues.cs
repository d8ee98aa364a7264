using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Common.Contracts;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// Short forms of the SDK's SQS calls the tests make over and over to set up queues and look into them; the code
/// under test makes its own calls.
/// </summary>
public static class SqsTestQueues
{
    /// <summary>Creates the queue (with <paramref name="attributes"/>) and returns its URL.</summary>
    public static async Task<string> NewQueueAsync(this IAmazonSQS sqs, string name, Dictionary<string, string>? attributes = null,
        CancellationToken cancellationToken = default) =>
        (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes ?? [] }, cancellationToken)).QueueUrl;

    /// <summary>One queue attribute as SQS sends it (a string).</summary>
    public static async Task<string> AttributeAsync(this IAmazonSQS sqs, string queueUrl, string name, CancellationToken cancellationToken = default)
    {
        var attributes = (await sqs.GetQueueAttributesAsync(queueUrl, [name], cancellationToken)).Attributes;
        return attributes is not null && attributes.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"GetQueueAttributes answered without {name}");
    }

    /// <summary>A counter such as <see cref="QueueAttributeName.ApproximateNumberOfMessages"/>.</summary>
    public static async Task<long> CountAsync(this IAmazonSQS sqs, string queueUrl, string name, CancellationToken cancellationToken = default) =>
        long.Parse(await sqs.AttributeAsync(queueUrl, name, cancellationToken), CultureInfo.InvariantCulture);

    /// <summary>One ReceiveMessage; <paramref name="withReceiveCount"/> asks for <c>ApproximateReceiveCount</c>.</summary>
    public static Task<IReadOnlyList<Message>> ReceiveAsync(this IAmazonSQS sqs, string queueUrl, int max = 10, int waitSeconds = 0,
        int? visibilityTimeout = null, bool withReceiveCount = false, CancellationToken cancellationToken = default) =>
        sqs.ReceiveMessagesAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = max,
            WaitTimeSeconds = waitSeconds,
            VisibilityTimeout = visibilityTimeout,
            MessageSystemAttributeNames = withReceiveCount ? [MessageSystemAttributeName.ApproximateReceiveCount] : null,
        }, cancellationToken);

    /// <summary>Every job message waiting in the queue, received (and left invisible) until a 1 s poll brings none.</summary>
    public static async Task<List<RecognitionJob>> ReceiveJobsAsync(this IAmazonSQS sqs, string queueUrl)
    {
        var jobs = new List<RecognitionJob>();
        while (await sqs.ReceiveAsync(queueUrl, waitSeconds: 1) is { Count: > 0 } messages)
            jobs.AddRange(messages.Select(m => ContractSerializer.ParseJob(m.Body)));
        return jobs;
    }

    /// <summary>Sends <paramref name="bodies"/> with SendMessageBatch, 10 a call; throws when an entry failed.</summary>
    public static async Task SendAllAsync(this IAmazonSQS sqs, string queueUrl, IReadOnlyList<string> bodies, CancellationToken cancellationToken = default)
    {
        for (var start = 0; start < bodies.Count; start += SqsClientExtensions.MaxBatchSize)
        {
            var entries = bodies.Skip(start).Take(SqsClientExtensions.MaxBatchSize)
                .Select((body, i) => new SendMessageBatchRequestEntry((start + i).ToString(CultureInfo.InvariantCulture), body)).ToList();
            var response = await sqs.SendMessageBatchAsync(queueUrl, entries, cancellationToken);
            if (response.Failed is { Count: > 0 } failed)
                throw new InvalidOperationException($"SendMessageBatch refused {failed.Count} entries: {failed[0].Code} {failed[0].Message}");
        }
    }

    /// <summary>The <c>RedrivePolicy</c> attribute: after <paramref name="maxReceiveCount"/> receives a message moves to the dead-letter queue.</summary>
    public static string RedrivePolicy(string deadLetterQueueArn, int maxReceiveCount) =>
        "{\"deadLetterTargetArn\":\"" + deadLetterQueueArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount.ToString(CultureInfo.InvariantCulture) + "\"}";
}
