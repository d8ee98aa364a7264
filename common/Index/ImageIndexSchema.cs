using System.Globalization;
using Amazon.DynamoDBv2.Model;
using ImageRec.Common.Contracts;

namespace ImageRec.Common.Index;

/// <summary>
/// The index's item layout, in one place: attribute and index names (they must match
/// deploy/eks/image-index-table.json, which creates the table; a test compares them), how values are written, and
/// the mapping between an item and an <see cref="IndexedImage"/>. docs/image-index.md explains the design.
/// </summary>
public static class ImageIndexSchema
{
    public const string Owner = "owner";
    public const string Id = "id";
    public const string UploadedAt = "uploadedAt";
    public const string Status = "status";
    public const string FileName = "fileName";
    public const string Size = "size";
    public const string ContentSha256 = "contentSha256";
    public const string Traceparent = "traceparent";
    public const string InputKey = "inputKey";
    public const string Labels = "labels";
    public const string Model = "model";
    public const string Error = "error";
    public const string Reason = "reason";
    public const string CompletedAt = "completedAt";
    /// <summary>Key of <see cref="ByLabel"/>: <c>{owner}#{top label, lower case}</c>; only on succeeded images.</summary>
    public const string OwnerLabel = "ownerLabel";
    /// <summary>Key of <see cref="Pending"/>: one of <see cref="PendingShards"/> shards; only while the image is unfinished (<see cref="IsUnfinished"/>).</summary>
    public const string PendingShard = "pendingShard";

    /// <summary>Local index: an owner's images by upload time (strongly consistent: an upload is listed at once).</summary>
    public const string NewestFirst = "newest-first";
    /// <summary>Global index: an owner's images with one top label, by upload time.</summary>
    public const string ByLabel = "by-label";
    /// <summary>Sparse global index: every unfinished image (queued, or awaiting its upload), by upload time, spread over <see cref="PendingShards"/> keys.</summary>
    public const string Pending = "pending";

    /// <summary>
    /// Partition keys of <see cref="Pending"/>. Every upload writes one of them twice (queued, then done), and a
    /// partition takes 1,000 writes a second: 8 shards carry some 4,000 uploads a second, and a sweep is 8 Queries.
    /// </summary>
    public const int PendingShards = 8;

    /// <summary>Upload and completion times: UTC with 7 fractional digits, fixed width, so text order is time order.</summary>
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        var parsed = DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc);
        time = parsed ? new DateTimeOffset(utc, TimeSpan.Zero) : default;
        return parsed;
    }

    public static string LabelKey(string owner, string label) => $"{owner}#{label.ToLowerInvariant()}";

    /// <summary>The pending shard of an image: a fixed hash of its id (FNV-1a), the same in every process.</summary>
    public static string ShardOf(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id) hash = (hash ^ c) * 16777619u;
        return ShardKey((int)(hash % PendingShards));
    }

    public static string ShardKey(int shard) => $"pending-{shard}";

    /// <summary>Waiting for its image or for a worker: the states a completion may end, and the pending index holds.</summary>
    public static bool IsUnfinished(JobStatus status) => status is JobStatus.Queued or JobStatus.AwaitingUpload;

    public static string StatusName(JobStatus status) => status switch
    {
        JobStatus.AwaitingUpload => "awaiting-upload",
        JobStatus.Queued => "queued",
        JobStatus.Succeeded => "succeeded",
        JobStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static JobStatus ParseStatus(string name) => name switch
    {
        "awaiting-upload" => JobStatus.AwaitingUpload,
        "queued" => JobStatus.Queued,
        "succeeded" => JobStatus.Succeeded,
        "failed" => JobStatus.Failed,
        _ => throw new FormatException($"unknown image status '{name}' in the index"),
    };

    public static Dictionary<string, AttributeValue> Key(string owner, string id) => new()
    {
        [Owner] = S(owner),
        [Id] = S(id),
    };

    /// <summary>The whole item of <paramref name="image"/>, index keys included.</summary>
    public static Dictionary<string, AttributeValue> ToItem(IndexedImage image)
    {
        var item = Key(image.Owner, image.Id);
        item[UploadedAt] = S(FormatTime(image.UploadedAt));
        item[Status] = S(StatusName(image.Status));
        if (image.FileName is { Length: > 0 } fileName) item[FileName] = S(fileName);
        if (image.Size is { } size) item[Size] = N(size.ToString(CultureInfo.InvariantCulture));
        if (image.ContentSha256 is { } sha) item[ContentSha256] = S(sha);
        if (image.Traceparent is { } trace) item[Traceparent] = S(trace);
        if (image.InputKey is { } inputKey) item[InputKey] = S(inputKey);
        foreach (var (name, value) in Outcome(image)) item[name] = value;
        if (IsUnfinished(image.Status)) item[PendingShard] = S(ShardOf(image.Id));
        return item;
    }

    /// <summary>The attributes a completion sets (the rest of the item is the upload's and stays).</summary>
    public static IEnumerable<(string Name, AttributeValue Value)> Outcome(IndexedImage image)
    {
        if (IsUnfinished(image.Status)) yield break;
        if (image.Labels.Count > 0)
        {
            yield return (Labels, new AttributeValue
            {
                L = image.Labels.Select(l => new AttributeValue
                {
                    M = new Dictionary<string, AttributeValue>
                    {
                        ["index"] = N(l.Index.ToString(CultureInfo.InvariantCulture)),
                        ["label"] = S(l.Label),
                        ["score"] = N(l.Score.ToString("R", CultureInfo.InvariantCulture)),
                    },
                }).ToList(),
            });
        }
        if (image.Model is { } model)
            yield return (Model, new AttributeValue { M = new Dictionary<string, AttributeValue> { ["name"] = S(model.Name), ["sha256"] = S(model.Sha256) } });
        if (image.Error is { } error) yield return (Error, S(error));
        if (image.Reason is { } reason) yield return (Reason, S(reason));
        if (image.CompletedAt is { } completed) yield return (CompletedAt, S(FormatTime(completed)));
        if (image.IndexedLabel is { } label) yield return (OwnerLabel, S(LabelKey(image.Owner, label)));
    }

    /// <summary>The image an item (or an index's projection of it) describes.</summary>
    public static IndexedImage FromItem(Dictionary<string, AttributeValue> item)
    {
        if (!TryParseTime(Text(item, UploadedAt) ?? "", out var uploadedAt))
            throw new FormatException($"image {Text(item, Id)} has no valid {UploadedAt} in the index");
        return new IndexedImage(
            Text(item, Owner) ?? throw new FormatException($"an index item lacks its {Owner}"),
            Text(item, Id) ?? throw new FormatException($"an index item lacks its {Id}"),
            uploadedAt,
            ParseStatus(Text(item, Status) ?? throw new FormatException($"image {Text(item, Id)} has no {Status} in the index")),
            Text(item, FileName),
            item.TryGetValue(Size, out var size) && size.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : null,
            Text(item, ContentSha256),
            Text(item, Traceparent),
            Text(item, InputKey))
        {
            Labels = item.TryGetValue(Labels, out var labels) && labels.L is { } list
                ? list.Select(l => new LabelScore(
                    int.Parse(l.M["index"].N, CultureInfo.InvariantCulture),
                    l.M["label"].S,
                    float.Parse(l.M["score"].N, CultureInfo.InvariantCulture))).ToArray()
                : [],
            Model = item.TryGetValue(Model, out var model) && model.M is { } m ? new ModelInfo(m["name"].S, m["sha256"].S) : null,
            Error = Text(item, Error),
            Reason = Text(item, Reason),
            CompletedAt = Text(item, CompletedAt) is { } completed && TryParseTime(completed, out var at) ? at : null,
        };
    }

    private static string? Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(string value) => new() { N = value };
}
