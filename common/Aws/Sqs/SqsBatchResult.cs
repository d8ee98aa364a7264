namespace ImageRec.Common.Aws.Sqs;

/// <summary>
/// Outcome of a batch call: SQS reports success or failure per entry, so a batch can partly fail
/// while the call itself succeeds.
/// </summary>
public sealed record SqsBatchResult(IReadOnlyList<SqsBatchResultEntry> Successful, IReadOnlyList<SqsBatchFailure> Failed)
{
    public bool HasFailures => Failed.Count > 0;
}

/// <summary>A successful batch entry; <paramref name="MessageId"/> is set for sends.</summary>
public sealed record SqsBatchResultEntry(string Id, string? MessageId);

/// <summary>A failed batch entry; <paramref name="SenderFault"/> false means retrying may help.</summary>
public sealed record SqsBatchFailure(string Id, string Code, string? Message, bool SenderFault);
