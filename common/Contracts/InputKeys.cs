namespace ImageRec.Common.Contracts;

/// <summary>
/// Which image a key of the input bucket holds. The key must be <c>{owner}/{name}</c> (exactly one '/', neither part
/// empty): the owner is whose list the image joins. The image's id is the name itself when it is a UUID as the web tier
/// writes them (lowercase "D" format: an image the web tier or a presigned upload stored), otherwise a UUIDv5 of the key
/// (RFC 9562 §5.5): a file a pipeline wrote under the owner's prefix, the same key always the same image. The worker
/// (S3 events) and the web tier's reindex both name images this way.
/// </summary>
public static class InputKeys
{
    /// <summary>The namespace of ids derived from S3 keys (a fixed random UUID; never change it).</summary>
    private static readonly Guid KeyNamespace = new("b3a4e1c2-5d7f-4e8a-9c0b-2f6d8e1a7b35");

    /// <summary>Owner and name of <paramref name="key"/>; false when the key is not <c>{owner}/{name}</c>.</summary>
    public static bool TrySplit(string key, out string owner, out string name)
    {
        var slash = key.IndexOf('/');
        owner = slash > 0 ? key[..slash] : "";
        name = slash > 0 ? key[(slash + 1)..] : "";
        return owner.Length > 0 && name.Length > 0 && !name.Contains('/');
    }

    /// <summary>The id of the image stored at <paramref name="key"/> = <c>{owner}/{name}</c>.</summary>
    public static string IdOf(string key, string name) =>
        IsOurs(name) ? name : NameBasedUuid.Create(KeyNamespace, key).ToString();

    /// <summary>Whether <paramref name="name"/> is an id the web tier stores images under (then the key is <c>{owner}/{id}</c>).</summary>
    public static bool IsOurs(string name) => Guid.TryParseExact(name, "D", out var id) && id.ToString() == name;
}
