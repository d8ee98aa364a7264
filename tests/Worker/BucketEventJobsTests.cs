using ImageRec.Common.Contracts;
using ImageRec.Worker.Processing;

namespace ImageRec.Tests.Worker;

public sealed class BucketEventJobsTests
{
    private static S3EventRecord Record(string encodedKey) => new()
    {
        EventName = "ObjectCreated:Put",
        EventTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        S3 = new() { Bucket = new() { Name = "imagerec-input" }, Object = new() { Key = encodedKey, Size = 10 } },
    };

    [Fact]
    public void A_key_the_web_tier_writes_keeps_its_id()
    {
        var id = Guid.CreateVersion7().ToString();
        var job = BucketEventJobs.ToJob(Record($"user-alice/{id}"))!;
        Assert.Equal((id, "user-alice", id), (job.Id, job.Owner, job.FileName));
        Assert.Equal(new ObjectLocation("imagerec-input", StorageOptionsKey("user-alice", id)), job.Input);
        Assert.Null(job.ReplyTo);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), job.SubmittedAt);
    }

    [Fact]
    public void A_key_of_someone_elses_naming_gets_an_id_derived_from_it()
    {
        var job = BucketEventJobs.ToJob(Record("user-alice/photo+1.jpg"))!;
        Assert.Equal(("user-alice", "photo 1.jpg"), (job.Owner, job.FileName));
        Assert.Equal(new ObjectLocation("imagerec-input", "user-alice/photo 1.jpg"), job.Input); // the object itself, not {owner}/{id}
        var id = Guid.Parse(job.Id);
        Assert.Equal(5, id.Version);
        Assert.Equal(job.Id, BucketEventJobs.ToJob(Record("user-alice/photo%201.jpg"))!.Id); // the same key, however encoded
        Assert.NotEqual(job.Id, BucketEventJobs.ToJob(Record("user-bob/photo+1.jpg"))!.Id);
        // An uppercase UUID is not how the web tier writes ids: derived too, so it cannot name another image.
        var upper = Guid.NewGuid().ToString().ToUpperInvariant();
        Assert.NotEqual(upper, BucketEventJobs.ToJob(Record($"user-alice/{upper}"))!.Id);
    }

    [Theory]
    [InlineData("loose.jpg")]
    [InlineData("user-alice/album/photo.jpg")]
    [InlineData("/photo.jpg")]
    [InlineData("user-alice/")]
    [InlineData("user-alice%2Falbum%2Fphoto.jpg")]
    public void A_key_that_is_not_owner_slash_name_is_no_job(string encodedKey) => Assert.Null(BucketEventJobs.ToJob(Record(encodedKey)));

    private static string StorageOptionsKey(string owner, string id) => ImageRec.Common.Configuration.StorageOptions.InputKey(owner, id);
}
