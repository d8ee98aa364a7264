namespace ImageRec.Operator.Entities;

/// <summary>The pools the operator's <c>GET /status</c> lists, in namespace/name order.</summary>
public sealed record RecognitionPoolList(IReadOnlyList<RecognitionPool> Items);
