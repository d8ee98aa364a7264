using System.Text.Json.Serialization;

namespace ImageRec.Common.Aws.Sqs.Protocol;

// Wire shapes of the SQS JSON protocol, named as in the API reference
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html).
// Kept together: they are one concept, the request/response bodies, and only SqsClient uses them.

internal sealed record GetQueueUrlRequest(string QueueName);

internal sealed record QueueUrlResponse(string? QueueUrl);

internal sealed record CreateQueueRequest(string QueueName, IReadOnlyDictionary<string, string>? Attributes);

internal sealed record QueueUrlRequest(string QueueUrl);

internal sealed record GetQueueAttributesRequest(string QueueUrl, IReadOnlyList<string> AttributeNames);

internal sealed record GetQueueAttributesResponse(Dictionary<string, string>? Attributes);

internal sealed record SendMessageRequest(string QueueUrl, string MessageBody, int? DelaySeconds);

internal sealed record SendMessageResponse(string? MessageId, string? MD5OfMessageBody);

internal sealed record SendMessageBatchRequest(string QueueUrl, IReadOnlyList<SendMessageBatchRequestEntry> Entries);

internal sealed record SendMessageBatchRequestEntry(string Id, string MessageBody, int? DelaySeconds);

internal sealed record DeleteMessageBatchRequest(string QueueUrl, IReadOnlyList<DeleteMessageBatchRequestEntry> Entries);

internal sealed record DeleteMessageBatchRequestEntry(string Id, string ReceiptHandle);

internal sealed record BatchResponse(List<BatchResultEntry>? Successful, List<BatchResultErrorEntry>? Failed);

internal sealed record BatchResultEntry(string Id, string? MessageId);

internal sealed record BatchResultErrorEntry(string Id, string? Code, string? Message, bool SenderFault);

internal sealed record ReceiveMessageRequest(
    string QueueUrl, int? MaxNumberOfMessages, int? WaitTimeSeconds, int? VisibilityTimeout,
    IReadOnlyList<string>? MessageSystemAttributeNames);

internal sealed record ReceiveMessageResponse(List<ReceivedMessage>? Messages);

internal sealed record ReceivedMessage(string MessageId, string ReceiptHandle, string? Body, Dictionary<string, string>? Attributes);

internal sealed record DeleteMessageRequest(string QueueUrl, string ReceiptHandle);

internal sealed record ChangeMessageVisibilityRequest(string QueueUrl, string ReceiptHandle, int VisibilityTimeout);

/// <summary>Operations whose success response carries nothing we use.</summary>
internal sealed record EmptyResponse;

/// <summary>Error body: <c>{"__type":"com.amazonaws.sqs#Code","message":"…"}</c> (some services capitalise Message).</summary>
internal sealed record ErrorResponse(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? CapitalMessage);
