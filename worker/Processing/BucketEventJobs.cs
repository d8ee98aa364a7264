using ImageRec.Common.Contracts;

namespace ImageRec.Worker.Processing;

/// <summary>
/// The job an S3 event record of the input bucket stands for. The key must be <c>{owner}/{name}</c> (exactly one '/',
/// neither part empty): the owner is whose list the image joins. The job id is the name itself when it is a UUID as
/// the web tier writes them (lowercase "D" format: an image the web tier or a presigned upload stored), otherwise a
/// UUIDv5 of the key (RFC 9562 §5.5), so the same key written twice is one job. The input is the object the event
/// names, wherever it is; the result goes to <c>{owner}/{id}.json</c> as for any job.
/// </summary>
public static class BucketEventJobs
{
    /// <summary>The namespace of job ids derived from S3 keys (a fixed random UUID; never change it).</summary>
    private static readonly Guid KeyNamespace = new("b3a4e1c2-5d7f-4e8a-9c0b-2f6d8e1a7b35");

    /// <summary>Owner and name of <paramref name="key"/>; false when the key is not <c>{owner}/{name}</c>.</summary>
    public static bool TrySplit(string key, out string owner, out string name)
    {
        var slash = key.IndexOf('/');
        owner = slash > 0 ? key[..slash] : "";
        name = slash > 0 ? key[(slash + 1)..] : "";
        return owner.Length > 0 && name.Length > 0 && !name.Contains('/');
    }

    /// <summary>The job id of the image stored at <paramref name="key"/> = <c>{owner}/{name}</c>.</summary>
    public static string JobId(string key, string name) =>
        Guid.TryParseExact(name, "D", out var id) && id.ToString() == name ? name : NameBasedUuid.Create(KeyNamespace, key).ToString();

    /// <summary>The job of an ObjectCreated record whose key is <c>{owner}/{name}</c>; null when the key is not.</summary>
    public static RecognitionJob? ToJob(S3EventRecord record)
    {
        var key = record.S3.Object.DecodedKey;
        if (!TrySplit(key, out var owner, out var name)) return null;
        return new RecognitionJob
        {
            Id = JobId(key, name),
            Owner = owner,
            Input = new ObjectLocation(record.S3.Bucket.Name, key),
            SubmittedAt = record.EventTime,
            FileName = name,
        };
    }
}
