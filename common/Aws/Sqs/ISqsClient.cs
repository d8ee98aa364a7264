namespace ImageRec.Common.Aws.Sqs;

/// <summary>
/// Amazon SQS over its JSON protocol
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/). Failures throw
/// <see cref="SqsException"/> (<see cref="SqsQueueDoesNotExistException"/> for a missing queue).
/// </summary>
public interface ISqsClient
{
    Task<string> GetQueueUrlAsync(string queueName, CancellationToken cancellationToken);

    /// <summary>Creates the queue, or returns the existing one when the attributes agree. Returns its URL.</summary>
    Task<string> CreateQueueAsync(string queueName, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken);

    Task DeleteQueueAsync(string queueUrl, CancellationToken cancellationToken);

    /// <summary>Returns the requested attributes (<see cref="SqsQueueAttributeNames"/>) as strings, as SQS sends them.</summary>
    Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> attributeNames, CancellationToken cancellationToken);

    /// <summary>Not retried automatically: a retry after a lost response would send a duplicate.</summary>
    Task<SqsSendMessageResult> SendMessageAsync(string queueUrl, string messageBody, int? delaySeconds, CancellationToken cancellationToken);

    /// <summary>Up to 10 entries; check <see cref="SqsBatchResult.Failed"/>. Not retried automatically.</summary>
    Task<SqsBatchResult> SendMessageBatchAsync(string queueUrl, IReadOnlyList<SqsSendBatchEntry> entries, CancellationToken cancellationToken);

    /// <summary>Returns 0 to <see cref="SqsReceiveOptions.MaxNumberOfMessages"/> messages; long-polls when asked.</summary>
    Task<IReadOnlyList<SqsMessage>> ReceiveMessagesAsync(string queueUrl, SqsReceiveOptions options, CancellationToken cancellationToken);

    Task DeleteMessageAsync(string queueUrl, string receiptHandle, CancellationToken cancellationToken);

    Task<SqsBatchResult> DeleteMessageBatchAsync(string queueUrl, IReadOnlyList<SqsDeleteBatchEntry> entries, CancellationToken cancellationToken);

    /// <summary>Makes a received message visible again after <paramref name="visibilityTimeoutSeconds"/> (0: at once).</summary>
    Task ChangeMessageVisibilityAsync(string queueUrl, string receiptHandle, int visibilityTimeoutSeconds, CancellationToken cancellationToken);
}
