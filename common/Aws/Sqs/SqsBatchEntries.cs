namespace ImageRec.Common.Aws.Sqs;

/// <summary>One message of SendMessageBatch; <paramref name="Id"/> is unique within the batch ([A-Za-z0-9_-]{1,80}).</summary>
public sealed record SqsSendBatchEntry(string Id, string MessageBody, int? DelaySeconds = null);

/// <summary>One message of DeleteMessageBatch.</summary>
public sealed record SqsDeleteBatchEntry(string Id, string ReceiptHandle);
