namespace ImageRec.Common.Aws.Sqs;

/// <summary>Parameters of ReceiveMessage.</summary>
public sealed record SqsReceiveOptions
{
    /// <summary>1 to 10.</summary>
    public int MaxNumberOfMessages { get; init; } = 1;

    /// <summary>Long polling, 0 to 20 s; null uses the queue's <c>ReceiveMessageWaitTimeSeconds</c>.</summary>
    public int? WaitTimeSeconds { get; init; }

    /// <summary>Overrides the queue's visibility timeout for the messages received.</summary>
    public int? VisibilityTimeout { get; init; }

    /// <summary>System attributes to return, e.g. <see cref="SqsMessageSystemAttributeNames.ApproximateReceiveCount"/>.</summary>
    public IReadOnlyList<string>? MessageSystemAttributeNames { get; init; }
}
