using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Aws;

/// <summary>
/// The emulator's S3 event notifications to SQS (eng/emulator/bucket-notifications.mjs, standing in for what fauxqs 2.4.1
/// lacks) through the SDK's clients, against the documents it follows: PutBucketNotificationConfiguration /
/// GetBucketNotificationConfiguration, the test event, and the event message structure
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html) for PutObject, CopyObject
/// and CompleteMultipartUpload.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class EmulatorBucketNotificationTests(AwsEmulatorFixture emulator)
{
    // A space and a non-ASCII character: the event carries the key URL-encoded as a form value.
    private const string AwkwardKey = "in/red flower ü+1.jpg";
    private const string AwkwardKeyInEvent = "in/red+flower+%C3%BC%2B1.jpg";

    [Fact]
    public async Task Putting_a_configuration_sends_the_test_event_and_reads_back_as_put()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-config");

        var test = await events.ConfigureAsync("images", [EventType.ObjectCreatedAll], prefix: "in/", suffix: ".jpg");

        events.AssertTestEvent(test);
        await events.AssertEmptyAsync();
        var read = await events.S3.GetBucketNotificationAsync(new GetBucketNotificationRequest { BucketName = events.Bucket.Name }, S3TestBucket.Timeout);
        var configuration = Assert.Single(read.QueueConfigurations);
        Assert.Equal("images", configuration.Id);
        Assert.Equal(events.QueueArn, configuration.Queue);
        Assert.Equal([EventType.ObjectCreatedAll.Value], configuration.Events.Select(e => e.Value));
        Assert.Equal([("prefix", "in/"), ("suffix", ".jpg")], configuration.Filter.S3KeyFilter.FilterRules.Select(r => (r.Name, r.Value)));
        Assert.True(read.TopicConfigurations is null or { Count: 0 });
        Assert.True(read.LambdaFunctionConfigurations is null or { Count: 0 });

        // An empty configuration turns notifications off and reads back empty.
        await events.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest { BucketName = events.Bucket.Name }, S3TestBucket.Timeout);
        read = await events.S3.GetBucketNotificationAsync(new GetBucketNotificationRequest { BucketName = events.Bucket.Name }, S3TestBucket.Timeout);
        Assert.True(read.QueueConfigurations is null or { Count: 0 });
        await events.Bucket.S3.PutObjectAsync(events.Bucket.Put("in/after.jpg", S3TestBucket.Content(1)), S3TestBucket.Timeout);
        await events.AssertEmptyAsync();
    }

    [Fact]
    public async Task A_bucket_without_a_configuration_reads_back_empty_and_sends_nothing()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-none");

        var read = await events.S3.GetBucketNotificationAsync(new GetBucketNotificationRequest { BucketName = events.Bucket.Name }, S3TestBucket.Timeout);
        Assert.True(read.QueueConfigurations is null or { Count: 0 });
        await events.Bucket.S3.PutObjectAsync(events.Bucket.Put("in/x.jpg", S3TestBucket.Content(1)), S3TestBucket.Timeout);
        await events.AssertEmptyAsync();
        // The configuration request did not create a bucket either (fauxqs alone routes `PUT /{bucket}?notification` to CreateBucket).
        var missing = AwsEmulatorFixture.UniqueName("notify-missing");
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => events.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = missing,
            QueueConfigurations = [BucketEvents.Configuration("x", events.QueueArn, [EventType.ObjectCreatedAll])],
        }, S3TestBucket.Timeout));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("NoSuchBucket", error.ErrorCode);
        Assert.DoesNotContain(missing, (await events.S3.ListBucketsAsync(S3TestBucket.Timeout)).Buckets?.Select(b => b.BucketName) ?? []);
    }

    [Fact]
    public async Task An_unknown_queue_is_refused_with_InvalidArgument_and_the_previous_configuration_stays()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-unknown");
        await events.ConfigureAsync("kept", [EventType.ObjectCreatedAll]);
        var unknownArn = events.QueueArn + "-gone";

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => events.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = events.Bucket.Name,
            QueueConfigurations = [BucketEvents.Configuration("ok", events.QueueArn, [EventType.ObjectCreatedPut]), BucketEvents.Configuration("bad", unknownArn, [EventType.ObjectCreatedAll])],
        }, S3TestBucket.Timeout));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("InvalidArgument", error.ErrorCode);
        Assert.Equal("Unable to validate the following destination configurations", error.Message);
        await events.AssertEmptyAsync(); // no test event: the configuration was refused as a whole
        var read = await events.S3.GetBucketNotificationAsync(new GetBucketNotificationRequest { BucketName = events.Bucket.Name }, S3TestBucket.Timeout);
        Assert.Equal("kept", Assert.Single(read.QueueConfigurations).Id);
    }

    [Fact]
    public async Task PutObject_sends_one_event_with_the_documented_fields()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-put");
        await events.ConfigureAsync("puts", [EventType.ObjectCreatedAll]);
        var content = S3TestBucket.Content(7);

        var put = await events.S3.PutObjectAsync(events.Bucket.Put(AwkwardKey, content), S3TestBucket.Timeout);

        var record = await events.NextRecordAsync();
        events.AssertRecord(record, "ObjectCreated:Put", "puts", AwkwardKey, content.Length, put.ETag);
        Assert.Equal(AwkwardKeyInEvent, record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString());
        await events.AssertEmptyAsync();
    }

    [Fact]
    public async Task CopyObject_sends_a_Copy_event_for_the_destination()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-copy");
        var content = S3TestBucket.Content(8);
        await events.S3.PutObjectAsync(events.Bucket.Put("source/a.jpg", content), S3TestBucket.Timeout);
        await events.ConfigureAsync("copies", [EventType.ObjectCreatedCopy]);

        var copy = await events.S3.CopyObjectAsync(events.Bucket.Name, "source/a.jpg", events.Bucket.Name, AwkwardKey, S3TestBucket.Timeout);
        // Only Copy was asked for: a plain put sends nothing.
        await events.S3.PutObjectAsync(events.Bucket.Put("in/plain.jpg", content), S3TestBucket.Timeout);

        events.AssertRecord(await events.NextRecordAsync(), "ObjectCreated:Copy", "copies", AwkwardKey, content.Length, copy.ETag);
        await events.AssertEmptyAsync();
    }

    [Fact]
    public async Task A_multipart_upload_sends_one_CompleteMultipartUpload_event_and_none_for_its_parts()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-multipart");
        await events.ConfigureAsync("multipart", [EventType.ObjectCreatedAll]);
        var first = new byte[5 * 1024 * 1024];
        new Random(9).NextBytes(first);
        var second = S3TestBucket.Content(10);
        var bucket = events.Bucket.Name;

        var upload = await events.S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = AwkwardKey, ContentType = "image/jpeg" }, S3TestBucket.Timeout);
        var parts = new List<PartETag>();
        foreach (var (number, bytes) in new[] { (1, first), (2, second) })
        {
            var part = await events.S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = AwkwardKey, UploadId = upload.UploadId, PartNumber = number,
                InputStream = new MemoryStream(bytes), UseChunkEncoding = false,
            }, S3TestBucket.Timeout);
            parts.Add(new PartETag(number, part.ETag));
        }
        await events.AssertEmptyAsync();
        var complete = await events.S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = AwkwardKey, UploadId = upload.UploadId, PartETags = parts,
        }, S3TestBucket.Timeout);

        events.AssertRecord(await events.NextRecordAsync(), "ObjectCreated:CompleteMultipartUpload", "multipart", AwkwardKey, first.Length + second.Length, complete.ETag);
        await events.AssertEmptyAsync();
    }

    [Fact]
    public async Task Prefix_and_suffix_filters_pick_the_keys_and_sequencers_grow()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-filter");
        await events.ConfigureAsync("jpegs-in", [EventType.ObjectCreatedPut], prefix: "in/", suffix: ".jpg");

        foreach (var key in new[] { "out/a.jpg", "in/a.png", "in.jpg", "IN/a.jpg", "in/a.JPG" })
        {
            await events.S3.PutObjectAsync(events.Bucket.Put(key, S3TestBucket.Content(1)), S3TestBucket.Timeout);
        }
        await events.AssertEmptyAsync();

        var sequencers = new List<string>();
        foreach (var (key, seed) in new[] { ("in/a.jpg", 1), ("in/a.jpg", 2), ("in/deeper/b.jpg", 3) })
        {
            var content = S3TestBucket.Content(seed);
            var put = await events.S3.PutObjectAsync(events.Bucket.Put(key, content), S3TestBucket.Timeout);
            sequencers.Add(events.AssertRecord(await events.NextRecordAsync(), "ObjectCreated:Put", "jpegs-in", key, content.Length, put.ETag));
        }
        await events.AssertEmptyAsync();
        Assert.True(BucketEvents.CompareSequencers(sequencers[0], sequencers[1]) < 0, $"{sequencers[0]} then {sequencers[1]} for one key");
        Assert.True(BucketEvents.CompareSequencers(sequencers[1], sequencers[2]) < 0, $"{sequencers[1]} then {sequencers[2]}");
    }

    [Fact]
    public async Task A_create_only_put_refused_with_412_sends_nothing()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-412");
        await events.ConfigureAsync("creates", [EventType.ObjectCreatedAll]);
        var content = S3TestBucket.Content(1);
        var put = await events.S3.PutObjectAsync(events.Bucket.Put("in/once.jpg", content, ifNoneMatch: "*"), S3TestBucket.Timeout);
        events.AssertRecord(await events.NextRecordAsync(), "ObjectCreated:Put", "creates", "in/once.jpg", content.Length, put.ETag);

        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => events.S3.PutObjectAsync(events.Bucket.Put("in/once.jpg", S3TestBucket.Content(2), ifNoneMatch: "*"), S3TestBucket.Timeout));

        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        await events.AssertEmptyAsync();
    }

    [Fact]
    public async Task An_event_is_an_SQS_message_like_any_other_it_wakes_a_long_poll_and_comes_back_after_its_visibility_timeout()
    {
        var events = await BucketEvents.CreateAsync(emulator, "notify-poll");
        await events.ConfigureAsync("poll", [EventType.ObjectCreatedAll]);

        // A long poll waiting before the write receives the event when it is written.
        var waiting = events.Sqs.ReceiveAsync(events.QueueUrl, max: 1, waitSeconds: 10, visibilityTimeout: 1, withReceiveCount: true, cancellationToken: S3TestBucket.Timeout);
        await Task.Delay(300);
        var started = DateTime.UtcNow;
        await events.S3.PutObjectAsync(events.Bucket.Put("in/poll.jpg", S3TestBucket.Content(1)), S3TestBucket.Timeout);
        var first = Assert.Single(await waiting);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the long poll woke up for the event");
        Assert.Equal("1", first.Attributes["ApproximateReceiveCount"]);

        // Not deleted: back after the visibility timeout, received a second time.
        var again = Assert.Single(await events.Sqs.ReceiveAsync(events.QueueUrl, max: 1, waitSeconds: 5, withReceiveCount: true, cancellationToken: S3TestBucket.Timeout));
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal("2", again.Attributes["ApproximateReceiveCount"]);
    }
}
