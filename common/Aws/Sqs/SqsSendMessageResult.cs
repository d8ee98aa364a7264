namespace ImageRec.Common.Aws.Sqs;

/// <summary>Result of SendMessage.</summary>
public sealed record SqsSendMessageResult(string MessageId, string? MD5OfMessageBody);
