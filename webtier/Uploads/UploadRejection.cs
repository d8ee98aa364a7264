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
        new(StatusCodes.Status413PayloadTooLarge, "file-too-large", $"The image is larger than the limit of {limit} bytes.");

    public static UploadRejection UnsupportedType() =>
        new(StatusCodes.Status415UnsupportedMediaType, "unsupported-type", "Only JPEG, PNG and WebP images are accepted (judged by the file's content, not its name).");

    public static UploadRejection CorruptHeader(string detail) =>
        new(StatusCodes.Status400BadRequest, "undecodable", $"The image cannot be read: {detail}.");

    public static UploadRejection TooManyPixels(long width, long height, long limit) =>
        new(StatusCodes.Status422UnprocessableEntity, "too-many-pixels", $"The image is {width}×{height} = {width * height} pixels, more than the limit of {limit}.");

    public ProblemHttpResult ToProblem() => TypedResults.Problem(
        detail: Detail,
        statusCode: Status,
        title: "The upload was rejected",
        type: $"https://imagerec.io/problems/{Reason}",
        extensions: new Dictionary<string, object?> { ["reason"] = Reason });
}
