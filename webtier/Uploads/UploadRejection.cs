using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageRec.WebTier.Uploads;

/// <summary>
/// Why an upload was refused: the HTTP status, a stable machine-readable reason and a sentence for
/// people. Rendered as problem+json (RFC 9457) with the reason as an extension member.
/// </summary>
public sealed record UploadRejection(int Status, string Reason, string Detail)
{
    public static UploadRejection Empty() =>
        new(StatusCodes.Status400BadRequest, "empty-file", "The uploaded file is empty.");

    public static UploadRejection MissingFile(string field) =>
        new(StatusCodes.Status400BadRequest, "missing-file", $"Send the image as multipart/form-data in the field '{field}'.");

    public static UploadRejection MalformedForm(string detail) =>
        new(StatusCodes.Status400BadRequest, "malformed-form", $"The multipart/form-data body cannot be read: {detail}");

    public static UploadRejection TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, FailureReasons.FileTooLarge, $"The image is larger than the limit of {limit} bytes.");

    public static UploadRejection CorruptHeader(string detail) =>
        new(StatusCodes.Status400BadRequest, FailureReasons.Undecodable, $"The image cannot be read: {detail}.");

    public static UploadRejection InvalidIdempotencyKey(string why) =>
        new(StatusCodes.Status400BadRequest, "invalid-idempotency-key", $"The Idempotency-Key header is not valid: {why}.");

    /// <summary>The key's first upload stored a different image: a key names one upload (IETF idempotency-key draft §2.7).</summary>
    public static UploadRejection IdempotencyKeyReused() =>
        new(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused",
            "This Idempotency-Key was already used for a different image; send a new key for a new upload.");

    /// <summary>
    /// Another upload with this key holds its job id but has not stored its image (its store is still in progress,
    /// or its image was deleted meanwhile): the IETF idempotency-key draft's 409 for a request that is still being processed.
    /// </summary>
    public static UploadRejection IdempotencyKeyInUse() =>
        new(StatusCodes.Status409Conflict, "idempotency-key-in-use",
            "Another upload with this Idempotency-Key is still in progress; retry it in a moment.");

    /// <summary>
    /// A refusal judged from the content: 415 for what is not an image or not a format we decode, 422 for an image
    /// of a supported format that cannot be processed as it is (too many pixels, animated).
    /// </summary>
    public static UploadRejection Refused(ImageRefusal refusal) => new(
        refusal.Reason is FailureReasons.UnsupportedType or FailureReasons.UnsupportedFormat
            ? StatusCodes.Status415UnsupportedMediaType
            : StatusCodes.Status422UnprocessableEntity,
        refusal.Reason, refusal.Detail);

    public ProblemHttpResult ToProblem() => TypedResults.Problem(
        detail: Detail,
        statusCode: Status,
        title: "The upload was rejected",
        type: $"https://imagerec.io/problems/{Reason}",
        extensions: new Dictionary<string, object?> { ["reason"] = Reason });
}
