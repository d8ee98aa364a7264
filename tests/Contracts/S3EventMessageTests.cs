using System.Text.Json;
using ImageRec.Common.Contracts;
using ImageRec.WebTier.Uploads;

namespace ImageRec.Tests.Contracts;

/// <summary>S3's event messages as the AWS document shows them (notification-content-structure.html), and name-based job ids.</summary>
public sealed class S3EventMessageTests
{
    // The document's example of an ObjectCreated:Put record, as S3 sends it (only the key changed, to an encoded one).
    private const string DocumentExample = """
        {
           "Records":[
              {
                 "eventVersion":"2.1",
                 "eventSource":"aws:s3",
                 "awsRegion":"us-west-2",
                 "eventTime":"1970-01-01T00:00:00.000Z",
                 "eventName":"ObjectCreated:Put",
                 "userIdentity":{ "principalId":"AIDAJDPLRKLG7UEXAMPLE" },
                 "requestParameters":{ "sourceIPAddress":"127.0.0.1" },
                 "responseElements":{ "x-amz-request-id":"C3D13FE58DE4C810", "x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD" },
                 "s3":{
                    "s3SchemaVersion":"1.0",
                    "configurationId":"testConfigRule",
                    "bucket":{ "name":"mybucket", "ownerIdentity":{ "principalId":"A3NL1KOZZKExample" }, "arn":"arn:aws:s3:::mybucket" },
                    "object":{ "key":"user-alice/Happy+Face%28b%29+%C3%A9t%C3%A9.jpg", "size":1024, "eTag":"d41d8cd98f00b204e9800998ecf8427e",
                               "versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko", "sequencer":"0055AED6DCD90281E5" }
                 }
              }
           ]
        }
        """;

    [Fact]
    public void The_documented_record_parses_and_its_key_is_decoded()
    {
        var notification = Assert.IsType<S3EventNotification>(S3EventMessage.Parse(DocumentExample));
        var record = Assert.Single(notification.Records);
        Assert.Equal(("ObjectCreated:Put", true, DateTimeOffset.UnixEpoch), (record.EventName, record.IsObjectCreated, record.EventTime));
        Assert.Equal(("2.1", "aws:s3", "us-west-2"), (record.EventVersion, record.EventSource, record.AwsRegion));
        Assert.Equal(("1.0", "testConfigRule"), (record.S3.S3SchemaVersion, record.S3.ConfigurationId));
        Assert.Equal(("mybucket", "arn:aws:s3:::mybucket"), (record.S3.Bucket.Name, record.S3.Bucket.Arn));
        var o = record.S3.Object;
        Assert.Equal((1024L, "d41d8cd98f00b204e9800998ecf8427e", "0055AED6DCD90281E5"), (o.Size, o.ETag, o.Sequencer));
        Assert.Equal("user-alice/Happy+Face%28b%29+%C3%A9t%C3%A9.jpg", o.Key);
        Assert.Equal("user-alice/Happy Face(b) été.jpg", o.DecodedKey);
    }

    [Fact]
    public void A_message_can_hold_several_records_and_removals_are_not_creations()
    {
        var json = """
            {"Records":[
              {"eventTime":"2026-01-02T03:04:05.678Z","eventName":"ObjectCreated:CompleteMultipartUpload","s3":{"bucket":{"name":"b"},"object":{"key":"a/1.jpg","size":5}}},
              {"eventTime":"2026-01-02T03:04:06Z","eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"a/2.jpg"}}}
            ]}
            """;
        var records = Assert.IsType<S3EventNotification>(S3EventMessage.Parse(json)).Records;
        Assert.Equal([true, false], records.Select(r => r.IsObjectCreated));
        Assert.Equal([5L, null], records.Select(r => r.S3.Object.Size));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), records[0].EventTime);
    }

    [Fact]
    public void The_test_event_parses()
    {
        var json = """
            {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2014-10-13T15:57:02.089Z","Bucket":"amzn-s3-demo-bucket",
             "RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}
            """;
        var test = Assert.IsType<S3TestEvent>(S3EventMessage.Parse(json));
        Assert.Equal(("Amazon S3", "amzn-s3-demo-bucket", "5582815E1AEA5ADF"), (test.Service, test.Bucket, test.RequestId));
    }

    [Theory]
    [InlineData("""{"v":1,"id":"x","owner":"o","input":{"bucket":"b","key":"o/x"},"submittedAt":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"hello":"world"}""")]
    [InlineData("""{"Event":"s3:ObjectCreated:Put"}""")]
    [InlineData("[1,2]")]
    public void What_is_not_an_S3_message_is_left_to_the_job_parser(string json) => Assert.Null(S3EventMessage.Parse(json));

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"Records":{}}""")]
    [InlineData("""{"Records":[null]}""")]
    [InlineData("""{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{}}}]}""")]
    [InlineData("""{"Records":[{"eventName":"ObjectCreated:Put","s3":{"object":{"key":"a/b"}}}]}""")]
    [InlineData("""{"Records":[{"eventTime":"yesterday","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"a/b"}}}]}""")]
    public void A_broken_event_notification_is_unreadable(string json) =>
        Assert.ThrowsAny<JsonException>(() => S3EventMessage.Parse(json));

    [Fact]
    public void Name_based_uuids_follow_RFC_9562()
    {
        // RFC 9562 Appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"),
            NameBasedUuid.Create(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));
        // The idempotency-key job ids the web tier derived before the helper moved here (Python's uuid.uuid5 agrees).
        Assert.Equal("3a33419a-d215-587e-a648-54077584b0f6", IdempotencyKey.JobId("user-alice", "k1"));
    }
}
