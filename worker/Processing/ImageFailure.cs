using ImageRec.Common.Contracts;

namespace ImageRec.Worker.Processing;

/// <summary>Why one image of a batch could not be classified.</summary>
/// <param name="Reason">One of <see cref="FailureReasons"/>: what goes into the failed result.</param>
/// <param name="Message">What went wrong, for a person.</param>
/// <param name="Unexpected">
/// The exception behind a <see cref="FailureReasons.ProcessingFailed"/> failure: not a bad image but possibly a bug,
/// so the caller logs it whole. Null for an image that could not be decoded.
/// </param>
public sealed record ImageFailure(string Reason, string Message, Exception? Unexpected = null);
