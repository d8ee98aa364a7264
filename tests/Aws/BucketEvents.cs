using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Aws;

/// <summary>
/// A bucket of one test's own with its notification configured to a queue of its own, on the emulator
/// (eng/emulator/bucket-notifications.mjs), and the S3 event messages read back from that queue.
/// </summary>
public sealed class BucketEvents
{
    private BucketEvents(S3TestBucket bucket, IAmazonSQS sqs, string queueUrl, string queueArn) =>
        (Bucket, Sqs, QueueUrl, QueueArn) = (bucket, sqs, queueUrl, queueArn);

    public S3TestBucket Bucket { get; }

    public IAmazonS3 S3 => Bucket.S3;

    public IAmazonSQS Sqs { get; }

    public string QueueUrl { get; }

    public string QueueArn { get; }

    /// <summary>A new bucket and queue; the notification is not configured yet (<see cref="ConfigureAsync"/>).</summary>
    public static async Task<BucketEvents> CreateAsync(AwsEmulatorFixture emulator, string prefix)
    {
        var bucket = await S3TestBucket.CreateAsync(emulator, prefix);
        var sqs = emulator.CreateSqsClient();
        var queueUrl = await sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName(prefix), cancellationToken: S3TestBucket.Timeout);
        var queueArn = await sqs.AttributeAsync(queueUrl, "QueueArn", S3TestBucket.Timeout);
        return new BucketEvents(bucket, sqs, queueUrl, queueArn);
    }

    /// <summary>PutBucketNotificationConfiguration with one QueueConfiguration to this queue, then takes the s3:TestEvent it sends.</summary>
    public async Task<JsonElement> ConfigureAsync(string id, IEnumerable<EventType> events, string? prefix = null, string? suffix = null)
    {
        await S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = Bucket.Name,
            QueueConfigurations = [Configuration(id, QueueArn, events, prefix, suffix)],
        }, S3TestBucket.Timeout);
        return await NextAsync();
    }

    public static QueueConfiguration Configuration(string id, string queueArn, IEnumerable<EventType> events, string? prefix = null, string? suffix = null)
    {
        var rules = new List<FilterRule>();
        if (prefix is not null) rules.Add(new FilterRule { Name = "prefix", Value = prefix });
        if (suffix is not null) rules.Add(new FilterRule { Name = "suffix", Value = suffix });
        return new QueueConfiguration
        {
            Id = id,
            Queue = queueArn,
            Events = [.. events],
            Filter = rules.Count == 0 ? null : new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = rules } },
        };
    }

    /// <summary>The next message on the queue (long-polled, up to 5 s), parsed and deleted.</summary>
    public async Task<JsonElement> NextAsync()
    {
        var messages = await Sqs.ReceiveAsync(QueueUrl, max: 1, waitSeconds: 5, cancellationToken: S3TestBucket.Timeout);
        var message = Assert.Single(messages);
        await Sqs.DeleteMessageAsync(QueueUrl, message.ReceiptHandle, S3TestBucket.Timeout);
        using var document = JsonDocument.Parse(message.Body);
        return document.RootElement.Clone();
    }

    /// <summary>The one record of the next message, an S3 event.</summary>
    public async Task<JsonElement> NextRecordAsync()
    {
        var message = await NextAsync();
        Assert.Equal(JsonValueKind.Object, message.ValueKind);
        Assert.Equal(["Records"], message.EnumerateObject().Select(p => p.Name));
        return Assert.Single(message.GetProperty("Records").EnumerateArray());
    }

    /// <summary>Asserts nothing is on the queue (visible or in flight).</summary>
    public async Task AssertEmptyAsync()
    {
        Assert.Empty(await Sqs.ReceiveAsync(QueueUrl, waitSeconds: 0, cancellationToken: S3TestBucket.Timeout));
        Assert.Equal(0, await Sqs.CountAsync(QueueUrl, "ApproximateNumberOfMessagesNotVisible", S3TestBucket.Timeout));
    }

    /// <summary>
    /// Asserts the test event S3 sends when a configuration is put
    /// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html): exactly these fields.
    /// </summary>
    public void AssertTestEvent(JsonElement message)
    {
        Assert.Equal(["Bucket", "Event", "HostId", "RequestId", "Service", "Time"], message.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Amazon S3", message.GetProperty("Service").GetString());
        Assert.Equal("s3:TestEvent", message.GetProperty("Event").GetString());
        Assert.Equal(Bucket.Name, message.GetProperty("Bucket").GetString());
        AssertRecentIsoTime(message.GetProperty("Time").GetString());
        Assert.False(string.IsNullOrEmpty(message.GetProperty("RequestId").GetString()));
        Assert.False(string.IsNullOrEmpty(message.GetProperty("HostId").GetString()));
    }

    /// <summary>
    /// Asserts an event record field by field against the documented message structure (event version 2.1), for an
    /// object the bucket now holds with <paramref name="size"/> and <paramref name="eTag"/> (as S3 answers it, quoted);
    /// returns its sequencer.
    /// </summary>
    public string AssertRecord(JsonElement record, string eventName, string configurationId, string key, long size, string eTag)
    {
        Assert.Equal(["awsRegion", "eventName", "eventSource", "eventTime", "eventVersion", "requestParameters", "responseElements", "s3", "userIdentity"],
            record.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("2.1", record.GetProperty("eventVersion").GetString());
        Assert.Equal("aws:s3", record.GetProperty("eventSource").GetString());
        Assert.Equal(AwsEmulatorFixture.Region, record.GetProperty("awsRegion").GetString());
        AssertRecentIsoTime(record.GetProperty("eventTime").GetString());
        Assert.Equal(eventName, record.GetProperty("eventName").GetString());
        Assert.Equal($"AWS:{AwsEmulatorFixture.AccessKeyId}", record.GetProperty("userIdentity").GetProperty("principalId").GetString());
        Assert.Equal("127.0.0.1", record.GetProperty("requestParameters").GetProperty("sourceIPAddress").GetString());
        var response = record.GetProperty("responseElements");
        Assert.False(string.IsNullOrEmpty(response.GetProperty("x-amz-request-id").GetString()));
        Assert.False(string.IsNullOrEmpty(response.GetProperty("x-amz-id-2").GetString()));

        var s3 = record.GetProperty("s3");
        Assert.Equal(["bucket", "configurationId", "object", "s3SchemaVersion"], s3.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("1.0", s3.GetProperty("s3SchemaVersion").GetString());
        Assert.Equal(configurationId, s3.GetProperty("configurationId").GetString());
        var bucket = s3.GetProperty("bucket");
        Assert.Equal(Bucket.Name, bucket.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(bucket.GetProperty("ownerIdentity").GetProperty("principalId").GetString()));
        Assert.Equal($"arn:aws:s3:::{Bucket.Name}", bucket.GetProperty("arn").GetString());

        var obj = s3.GetProperty("object");
        // No versionId: the bucket has no versioning, and S3 then leaves it out.
        Assert.Equal(["eTag", "key", "sequencer", "size"], obj.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var eventKey = obj.GetProperty("key").GetString()!;
        Assert.Equal(key, System.Net.WebUtility.UrlDecode(eventKey));
        Assert.Equal(size, obj.GetProperty("size").GetInt64());
        Assert.Equal(eTag.Trim('"'), obj.GetProperty("eTag").GetString());
        var sequencer = obj.GetProperty("sequencer").GetString()!;
        Assert.Matches("^[0-9A-F]+$", sequencer);
        return sequencer;
    }

    /// <summary>Compares sequencers as S3 says to: the shorter padded with zeros on the left, then as strings.</summary>
    public static int CompareSequencers(string a, string b)
    {
        var width = Math.Max(a.Length, b.Length);
        return string.CompareOrdinal(a.PadLeft(width, '0'), b.PadLeft(width, '0'));
    }

    private static void AssertRecentIsoTime(string? value)
    {
        Assert.NotNull(value);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", value);
        var time = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(1));
    }
}
