using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace ImageRec.Common.Aws.Sqs;

/// <summary>Conveniences over the SDK's <see cref="IAmazonSQS"/> that the web tier and the worker share.</summary>
public static class SqsClientExtensions
{
    /// <summary>The most messages one SQS batch call (receive, send, delete) takes.</summary>
    public const int MaxBatchSize = 10;

    /// <summary>Configuration may name a queue or give its URL; this returns the URL either way.</summary>
    public static async Task<string> ResolveQueueUrlAsync(this IAmazonSQS sqs, string nameOrUrl, CancellationToken cancellationToken) =>
        nameOrUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || nameOrUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? nameOrUrl
            : (await sqs.GetQueueUrlAsync(nameOrUrl, cancellationToken)).QueueUrl;

    /// <summary>
    /// Deletes any number of messages, <see cref="MaxBatchSize"/> per DeleteMessageBatch call. Returns the receipt
    /// handles that could not be deleted (a batch reports failures per entry while the call succeeds); those messages
    /// will be redelivered.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DeleteMessagesAsync(
        this IAmazonSQS sqs, string queueUrl, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken)
    {
        var notDeleted = new List<string>();
        foreach (var chunk in receiptHandles.Chunk(MaxBatchSize))
        {
            var entries = chunk.Select((handle, i) => new DeleteMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), handle)).ToList();
            var response = await sqs.DeleteMessageBatchAsync(queueUrl, entries, cancellationToken);
            // The SDK leaves an empty list null (AWSConfigs.InitializeCollections is off).
            notDeleted.AddRange((response.Failed ?? []).Select(f => chunk[int.Parse(f.Id, CultureInfo.InvariantCulture)]));
        }
        return notDeleted;
    }

    /// <summary>
    /// Sends any number of messages to one queue, <see cref="MaxBatchSize"/> per SendMessageBatch call (one call instead
    /// of ten, each of which costs its caller a signed HTTP request). Returns the indexes into
    /// <paramref name="bodies"/> of the messages that were not sent (a batch reports failures per entry while the
    /// call succeeds). A call that fails throws, after the chunks before it were sent.
    /// </summary>
    public static async Task<IReadOnlyList<int>> SendMessagesAsync(
        this IAmazonSQS sqs, string queueUrl, IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        var notSent = new List<int>();
        for (var start = 0; start < bodies.Count; start += MaxBatchSize)
        {
            var entries = Enumerable.Range(start, Math.Min(MaxBatchSize, bodies.Count - start))
                .Select(i => new SendMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), bodies[i])).ToList();
            var response = await sqs.SendMessageBatchAsync(queueUrl, entries, cancellationToken);
            notSent.AddRange((response.Failed ?? []).Select(f => int.Parse(f.Id, CultureInfo.InvariantCulture)));
        }
        return notSent;
    }

    /// <summary>ReceiveMessage's messages; none (rather than null) when the poll brought nothing.</summary>
    public static async Task<IReadOnlyList<Message>> ReceiveMessagesAsync(this IAmazonSQS sqs, ReceiveMessageRequest request, CancellationToken cancellationToken) =>
        (await sqs.ReceiveMessageAsync(request, cancellationToken)).Messages ?? [];
}
