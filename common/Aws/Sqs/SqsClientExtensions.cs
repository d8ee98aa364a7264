using System.Globalization;

namespace ImageRec.Common.Aws.Sqs;

/// <summary>Conveniences over <see cref="ISqsClient"/> that the services share.</summary>
public static class SqsClientExtensions
{
    /// <summary>Configuration may name a queue or give its URL; this returns the URL either way.</summary>
    public static Task<string> ResolveQueueUrlAsync(this ISqsClient sqs, string nameOrUrl, CancellationToken cancellationToken) =>
        nameOrUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || nameOrUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? Task.FromResult(nameOrUrl)
            : sqs.GetQueueUrlAsync(nameOrUrl, cancellationToken);

    /// <summary>
    /// Deletes any number of messages, 10 per DeleteMessageBatch call (the SQS limit). Returns the
    /// receipt handles that could not be deleted; those messages will be redelivered.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DeleteMessagesAsync(
        this ISqsClient sqs, string queueUrl, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken)
    {
        var notDeleted = new List<string>();
        foreach (var chunk in receiptHandles.Chunk(10))
        {
            var entries = chunk.Select((handle, i) => new SqsDeleteBatchEntry(i.ToString(CultureInfo.InvariantCulture), handle)).ToArray();
            var result = await sqs.DeleteMessageBatchAsync(queueUrl, entries, cancellationToken);
            notDeleted.AddRange(result.Failed.Select(f => chunk[int.Parse(f.Id, CultureInfo.InvariantCulture)]));
        }
        return notDeleted;
    }
}
