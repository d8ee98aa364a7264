using ImageRec.Common.Contracts;

namespace ImageRec.Worker.Processing;

/// <summary>
/// One image of a batch after <see cref="BatchClassifier"/>: its top labels, or why it could not be classified;
/// and how long its decode and preprocessing took.
/// </summary>
/// <param name="Labels">The top <see cref="BatchClassifier.TopLabels"/> classes, best first; empty when the image failed.</param>
/// <param name="Failure">Why the image could not be classified; null when it was.</param>
public readonly record struct ClassifiedImage(LabelScore[] Labels, ImageFailure? Failure, double DecodeMs);
