using ImageRec.Common.Contracts;

namespace ImageRec.WebTier.Uploads;

/// <summary>
/// The <c>Idempotency-Key</c> request header of <c>POST /v1/images</c> (IETF draft "The Idempotency-Key HTTP
/// Header Field", draft-ietf-httpapi-idempotency-key-header): a client that sends the same key again — a retry
/// after a timeout or a cut connection — gets the job of its first attempt instead of a second one. The job id is
/// a name-based UUID (RFC 9562 §5.5, version 5) of the owner and the key, so retries find the first attempt on any
/// replica without a lookup table, and two users' equal keys never name the same job.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 255;

    /// <summary>The namespace of job ids derived from idempotency keys (a fixed random UUID; never change it).</summary>
    private static readonly Guid JobIdNamespace = new("6f1f4c3e-9a51-4d0b-8f27-6c1d2b9e5a43");

    /// <summary>
    /// Reads the header: null when absent, otherwise the key, or a rejection when it is not 1–255 printable ASCII
    /// characters. The draft sends the key as a structured-field string (<c>"…"</c>); a bare token is accepted too.
    /// </summary>
    public static (string? Key, UploadRejection? Rejection) Read(IHeaderDictionary headers)
    {
        if (!headers.TryGetValue(Header, out var values)) return (null, null);
        if (values.Count != 1) return (null, UploadRejection.InvalidIdempotencyKey("send the header once"));
        var key = values[0] ?? "";
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"') key = key[1..^1];
        if (key.Length is 0 or > MaxLength)
            return (null, UploadRejection.InvalidIdempotencyKey($"it must be 1 to {MaxLength} characters long"));
        if (key.Any(c => c is < ' ' or > '~'))
            return (null, UploadRejection.InvalidIdempotencyKey("it must be printable ASCII"));
        return (key, null);
    }

    /// <summary>The job id of <paramref name="owner"/>'s upload with <paramref name="key"/>: a UUIDv5 of both.</summary>
    public static string JobId(string owner, string key) =>
        // A NUL cannot occur in a key (printable ASCII), so "owner\0key" names each pair once.
        NameBasedUuid.Create(JobIdNamespace, owner + "\0" + key).ToString();
}
