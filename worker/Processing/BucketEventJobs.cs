using ImageRec.Common.Contracts;

namespace ImageRec.Worker.Processing;

/// <summary>
/// The job an S3 event record of the input bucket stands for (<see cref="InputKeys"/> names the image). The input is the
/// object the event names, wherever it is; the result goes to <c>{owner}/{id}.json</c> as for any job.
/// </summary>
public static class BucketEventJobs
{
    /// <summary>The job of an ObjectCreated record whose key is <c>{owner}/{name}</c>; null when the key is not.</summary>
    public static RecognitionJob? ToJob(S3EventRecord record)
    {
        var key = record.S3.Object.DecodedKey;
        if (!InputKeys.TrySplit(key, out var owner, out var name)) return null;
        return new RecognitionJob
        {
            Id = InputKeys.IdOf(key, name),
            Owner = owner,
            Input = new ObjectLocation(record.S3.Bucket.Name, key),
            SubmittedAt = record.EventTime,
            FileName = name,
        };
    }
}
