using System.Globalization;
using System.Text.Json;

namespace ImageRec.Common.Aws.Sqs;

/// <summary>Builds the <c>RedrivePolicy</c> queue attribute: after <c>maxReceiveCount</c> receives a message moves to the DLQ.</summary>
public static class SqsRedrivePolicy
{
    public static string Create(string deadLetterQueueArn, int maxReceiveCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(deadLetterQueueArn);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReceiveCount, 1);
        // JsonEncodedText escapes the ARN without reflection-based serialization.
        return "{\"deadLetterTargetArn\":\"" + JsonEncodedText.Encode(deadLetterQueueArn) +
               "\",\"maxReceiveCount\":\"" + maxReceiveCount.ToString(CultureInfo.InvariantCulture) + "\"}";
    }
}
