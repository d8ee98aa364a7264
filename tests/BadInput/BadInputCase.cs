using ImageRec.Common.Contracts;

namespace ImageRec.Tests.BadInput;

/// <summary>How a case's bytes travel in the upload request.</summary>
public enum Delivery
{
    /// <summary>multipart/form-data, the file in the field <c>image</c>.</summary>
    FilePart,
    /// <summary>multipart/form-data, the file in a field the API does not read.</summary>
    OtherField,
    /// <summary>A JSON body instead of a form.</summary>
    JsonBody,
}

/// <summary>What comes of an input: a 4xx problem from the web tier, or a job's result.</summary>
public abstract record Outcome;

/// <summary>The web tier answered <paramref name="Status"/> with problem+json carrying <paramref name="Reason"/>.</summary>
public sealed record Refused(int Status, string Reason) : Outcome;

/// <summary>
/// The job ran and ended <paramref name="Status"/> (over HTTP: 200 with the result); a failed one says why in
/// <paramref name="Reason"/>; <paramref name="Top1"/>, when given, is the label the image must get.
/// </summary>
public sealed record Classified(JobStatus Status, string? Reason = null, string? Top1 = null) : Outcome
{
    public static Classified Succeeded(string? top1 = null) => new(JobStatus.Succeeded, Top1: top1);

    public static Classified Failed(string reason) => new(JobStatus.Failed, reason);

    /// <summary>What a result says, in the table's terms: its top-1 only where <paramref name="expected"/> names one.</summary>
    public static Classified Of(RecognitionResult result, Classified? expected) =>
        new(result.Status, result.Reason, expected?.Top1 is null ? null : result.Labels.FirstOrDefault()?.Label);
}

/// <summary>
/// One row of the bad-input table: what is sent, how, and what must come of it over HTTP (through the whole stack)
/// and when the same bytes reach a worker without passing the web tier (null where there are no bytes to pass on).
/// </summary>
public sealed record BadInputCase(
    string Group,
    string Name,
    string FileName,
    string ContentType,
    Func<byte[]> Bytes,
    Outcome OverHttp,
    Classified? AtWorker,
    Delivery Delivery = Delivery.FilePart)
{
    public override string ToString() => Name;
}
