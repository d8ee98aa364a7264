using System.Globalization;

namespace ImageRec.Common.Aws.Sqs;

/// <summary>A received message; <paramref name="Attributes"/> holds the requested system attributes.</summary>
public sealed record SqsMessage(string MessageId, string ReceiptHandle, string Body, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>How often SQS has handed this message out, when <c>ApproximateReceiveCount</c> was requested.</summary>
    public int? ApproximateReceiveCount => IntAttribute(SqsMessageSystemAttributeNames.ApproximateReceiveCount);

    /// <summary>When the message was sent, when <c>SentTimestamp</c> was requested.</summary>
    public DateTimeOffset? SentTimestamp =>
        Attributes.TryGetValue(SqsMessageSystemAttributeNames.SentTimestamp, out var value)
        && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epochMilliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds)
            : null;

    private int? IntAttribute(string name) =>
        Attributes.TryGetValue(name, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}
