namespace ImageRec.Common.Imaging;

/// <summary>Why an image will not be decoded: one of <see cref="Contracts.FailureReasons"/> and a sentence for people.</summary>
public sealed record ImageRefusal(string Reason, string Detail);
