using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageRec.Common.Contracts;

/// <summary>
/// What S3 sends to a queue configured as a bucket's event destination, as documented in "Event message structure"
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html): either an event
/// notification with one or more records, or the test event S3 sends when the notification is configured.
/// Only the members this service reads or logs are kept; the others are ignored.
/// </summary>
public abstract record S3EventMessage
{
    /// <summary>
    /// The S3 message in <paramref name="json"/>, or null when it is not one (a job message, or anything else);
    /// a JsonException when it is not JSON, or an event notification without what every record must carry.
    /// </summary>
    public static S3EventMessage? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return null;
        if (root.TryGetProperty("Records", out _))
        {
            var notification = root.Deserialize(ContractJson.Default.S3EventNotification)!;
            foreach (var record in notification.Records)
            {
                if (record is null || string.IsNullOrEmpty(record.EventName) || record.S3?.Bucket?.Name is not { Length: > 0 }
                    || record.S3.Object?.Key is not { Length: > 0 })
                    throw new JsonException("an S3 event record without its eventName, bucket name or object key");
            }
            return notification;
        }
        if (root.TryGetProperty("Event", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == S3TestEvent.Name)
            return root.Deserialize(ContractJson.Default.S3TestEvent)!;
        return null;
    }
}

/// <summary>An event notification: <c>{"Records":[…]}</c>, one record per event (S3 sends one, but the format allows several).</summary>
public sealed record S3EventNotification : S3EventMessage
{
    [JsonPropertyName("Records")] public IReadOnlyList<S3EventRecord> Records { get; init; } = [];
}

/// <summary>One event: what happened (<see cref="EventName"/>, e.g. <c>ObjectCreated:Put</c>), when, and to which object.</summary>
public sealed record S3EventRecord
{
    public string? EventVersion { get; init; }
    public string? EventSource { get; init; }
    public string? AwsRegion { get; init; }
    /// <summary>When S3 finished the request, ISO-8601.</summary>
    public DateTimeOffset EventTime { get; init; }
    public string EventName { get; init; } = "";
    public S3EventEntity S3 { get; init; } = new();

    /// <summary>An object was created: Put, Post, Copy or CompleteMultipartUpload.</summary>
    [JsonIgnore] public bool IsObjectCreated => EventName.StartsWith("ObjectCreated:", StringComparison.Ordinal);
}

public sealed record S3EventEntity
{
    public string? S3SchemaVersion { get; init; }
    public string? ConfigurationId { get; init; }
    public S3EventBucket Bucket { get; init; } = new();
    public S3EventObject Object { get; init; } = new();
}

public sealed record S3EventBucket
{
    public string Name { get; init; } = "";
    public string? Arn { get; init; }
}

public sealed record S3EventObject
{
    /// <summary>The key as S3 sends it: URL-encoded (a space is '+').</summary>
    public string Key { get; init; } = "";
    /// <summary>Bytes; absent for events that remove an object.</summary>
    public long? Size { get; init; }
    public string? ETag { get; init; }
    public string? VersionId { get; init; }
    public string? Sequencer { get; init; }

    /// <summary>
    /// The object's key: <see cref="Key"/> decoded as the document says ("The s3 key provides information about the
    /// bucket and object involved in the event. The object key name value is URL encoded."; a space arrives as '+',
    /// as in application/x-www-form-urlencoded, and the SDKs decode it that way).
    /// </summary>
    [JsonIgnore] public string DecodedKey => WebUtility.UrlDecode(Key);
}

/// <summary>The message S3 sends to a destination when the bucket's notification is configured: nothing to do.</summary>
public sealed record S3TestEvent : S3EventMessage
{
    public const string Name = "s3:TestEvent";

    [JsonPropertyName("Service")] public string? Service { get; init; }
    [JsonPropertyName("Event")] public string Event { get; init; } = Name;
    [JsonPropertyName("Time")] public DateTimeOffset? Time { get; init; }
    [JsonPropertyName("Bucket")] public string? Bucket { get; init; }
    [JsonPropertyName("RequestId")] public string? RequestId { get; init; }
    [JsonPropertyName("HostId")] public string? HostId { get; init; }
}
