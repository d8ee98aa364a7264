using System.Net;
using System.Text.Json.Nodes;

namespace ImageRec.Tests.Worker;

/// <summary>
/// S3 event messages as S3 sends them to a queue, built by hand after "Event message structure"
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html), independent of the
/// service's own types: the emulator does not send them yet.
/// </summary>
public static class S3EventBodies
{
    /// <summary>One object S3 reports: its bucket, its key (as stored, encoded here as S3 does), its size.</summary>
    public sealed record Created(string Bucket, string Key, long Size, string EventName = "ObjectCreated:Put");

    /// <summary>An event notification with one record per object, in order.</summary>
    public static string Notification(params Created[] objects) =>
        new JsonObject { ["Records"] = new JsonArray([.. objects.Select(Record)]) }.ToJsonString();

    /// <summary>The key as S3 writes it in a record: URL-encoded, a space as '+', the '/' between parts kept.</summary>
    public static string EncodeKey(string key) => string.Join('/', key.Split('/').Select(WebUtility.UrlEncode));

    /// <summary>The message S3 sends when a bucket's notification is configured.</summary>
    public static string TestEvent(string bucket) => new JsonObject
    {
        ["Service"] = "Amazon S3",
        ["Event"] = "s3:TestEvent",
        ["Time"] = "2026-01-02T03:04:05.678Z",
        ["Bucket"] = bucket,
        ["RequestId"] = "5582815E1AEA5ADF",
        ["HostId"] = "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
    }.ToJsonString();

    private static JsonNode Record(Created o) => new JsonObject
    {
        ["eventVersion"] = "2.1",
        ["eventSource"] = "aws:s3",
        ["awsRegion"] = "us-east-1",
        ["eventTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        ["eventName"] = o.EventName,
        ["userIdentity"] = new JsonObject { ["principalId"] = "AWS:AIDAEXAMPLE" },
        ["requestParameters"] = new JsonObject { ["sourceIPAddress"] = "127.0.0.1" },
        ["responseElements"] = new JsonObject { ["x-amz-request-id"] = "C3D13FE58DE4C810", ["x-amz-id-2"] = "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD" },
        ["s3"] = new JsonObject
        {
            ["s3SchemaVersion"] = "1.0",
            ["configurationId"] = "imagerec-input-created",
            ["bucket"] = new JsonObject
            {
                ["name"] = o.Bucket,
                ["ownerIdentity"] = new JsonObject { ["principalId"] = "A3NL1KOZZKExample" },
                ["arn"] = $"arn:aws:s3:::{o.Bucket}",
            },
            ["object"] = new JsonObject
            {
                ["key"] = EncodeKey(o.Key),
                ["size"] = o.Size,
                ["eTag"] = "d41d8cd98f00b204e9800998ecf8427e",
                ["sequencer"] = "0055AED6DCD90281E5",
            },
        },
    };
}
