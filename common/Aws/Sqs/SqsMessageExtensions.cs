using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace ImageRec.Common.Aws.Sqs;

/// <summary>Reads the system attributes the services ask ReceiveMessage for.</summary>
public static class SqsMessageExtensions
{
    /// <summary>
    /// How often SQS has handed this message out (<c>ApproximateReceiveCount</c>), when it was requested; tells a
    /// redelivered job from a first one.
    /// </summary>
    public static int? ApproximateReceiveCount(this Message message) =>
        message.Attributes is { } attributes
        && attributes.TryGetValue(MessageSystemAttributeName.ApproximateReceiveCount, out var value)
        && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : null;
}
