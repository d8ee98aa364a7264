using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Options;
using static ImageRec.Common.Index.ImageIndexSchema;

namespace ImageRec.Common.Index;

/// <summary>
/// The index of users' images in DynamoDB: the one owner of that family of data. The web tier adds an image when it
/// is uploaded, lists and deletes; the worker records the outcome; the sweeper finds images queued too long; the
/// reindex command rebuilds it from S3. Every read a page needs is one Query. Design and access patterns:
/// docs/image-index.md; item layout: <see cref="ImageIndexSchema"/>.
/// </summary>
public sealed class ImageIndex(IAmazonDynamoDB dynamoDb, IOptions<ImageIndexOptions> options)
{
    public const int MaxPageSize = 100;

    private string Table => options.Value.TableName;

    public sealed record Page(IReadOnlyList<IndexedImage> Items, IndexCursor? Next);

    /// <summary>
    /// Adds a just-uploaded image unless the index holds it already: false then, and what is there stays (an
    /// outcome may have been recorded; or this is the SDK retrying its own write whose answer was lost).
    /// </summary>
    public async Task<bool> AddAsync(IndexedImage image, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = Table,
                Item = ToItem(image),
                ConditionExpression = "attribute_not_exists(#id)",
                ExpressionAttributeNames = new() { ["#id"] = Id },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>Writes the whole item, whatever was there (the reindex command).</summary>
    public Task PutAsync(IndexedImage image, CancellationToken cancellationToken) =>
        dynamoDb.PutItemAsync(new PutItemRequest { TableName = Table, Item = ToItem(image) }, cancellationToken);

    /// <summary>The image, or null when the owner has none with that id (a consistent read).</summary>
    public async Task<IndexedImage?> GetAsync(string owner, string id, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest { TableName = Table, Key = Key(owner, id), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    /// <summary>
    /// Records the outcome of an image's job, only while the image is unfinished: a late or repeated completion
    /// never overwrites an outcome, and an image its owner deleted is not brought back.
    /// </summary>
    public async Task<IndexCompletion> CompleteAsync(RecognitionResult result, CancellationToken cancellationToken)
    {
        var completed = new IndexedImage(result.Owner, result.Id, default, result.Status).CompletedWith(result);
        var names = new Dictionary<string, string> { ["#id"] = Id, ["#status"] = Status, ["#pending"] = PendingShard };
        var values = new Dictionary<string, AttributeValue>
        {
            [":queued"] = new() { S = StatusName(JobStatus.Queued) },
            [":awaiting"] = new() { S = StatusName(JobStatus.AwaitingUpload) },
        };
        var sets = new List<string>();
        foreach (var (name, value) in Outcome(completed).Append((Status, new AttributeValue { S = StatusName(result.Status) })))
        {
            var slot = sets.Count;
            names[$"#a{slot}"] = name;
            values[$":v{slot}"] = value;
            sets.Add($"#a{slot} = :v{slot}");
        }
        try
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = Key(result.Owner, result.Id),
                UpdateExpression = $"SET {string.Join(", ", sets)} REMOVE #pending",
                ConditionExpression = "attribute_exists(#id) AND #status IN (:queued, :awaiting)",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            }, cancellationToken);
            return IndexCompletion.Recorded;
        }
        catch (ConditionalCheckFailedException)
        {
            // Rare (a job run twice, a deleted image): one more read says which.
            return await GetAsync(result.Owner, result.Id, cancellationToken) is null ? IndexCompletion.ImageGone : IndexCompletion.AlreadyFinished;
        }
    }

    /// <summary>Removes the image; true when the index held it.</summary>
    public async Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Table,
            Key = Key(owner, id),
            ReturnValues = ReturnValue.ALL_OLD,
        }, cancellationToken);
        return response.Attributes is { Count: > 0 };
    }

    /// <summary>
    /// One page of the owner's images, newest upload first; with <paramref name="label"/>, only those whose top
    /// label it is (case-insensitive). One Query.
    /// </summary>
    public async Task<Page> ListAsync(string owner, string? label, IndexCursor? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var byLabel = label is not null;
        var partition = byLabel ? OwnerLabel : Owner;
        var request = new QueryRequest
        {
            TableName = Table,
            IndexName = byLabel ? ByLabel : NewestFirst,
            KeyConditionExpression = "#p = :p",
            ExpressionAttributeNames = new() { ["#p"] = partition },
            ExpressionAttributeValues = new() { [":p"] = new() { S = byLabel ? LabelKey(owner, label!) : owner } },
            ScanIndexForward = false,
            Limit = limit,
            // The local index reads consistently (an upload is listed at once); a global one cannot.
            ConsistentRead = !byLabel,
        };
        if (after is not null)
        {
            request.ExclusiveStartKey = Key(owner, after.Id);
            request.ExclusiveStartKey[UploadedAt] = new() { S = after.UploadedAt };
            if (byLabel) request.ExclusiveStartKey[OwnerLabel] = new() { S = LabelKey(owner, label!) };
        }
        var response = await dynamoDb.QueryAsync(request, cancellationToken);
        var items = (response.Items ?? []).Select(FromItem).ToArray();
        var next = response.LastEvaluatedKey is { Count: > 0 } last ? new IndexCursor(last[UploadedAt].S, last[Id].S) : null;
        return new Page(items, next);
    }

    /// <summary>
    /// Every image unfinished (queued, or awaiting its upload) since before <paramref name="uploadedBefore"/>, from the sparse pending index: one Query
    /// per shard and page, never a scan. Eventually consistent: an image finished a moment ago may still be in it.
    /// </summary>
    public async IAsyncEnumerable<IndexedImage> QueuedBeforeAsync(DateTimeOffset uploadedBefore, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var shard = 0; shard < PendingShards; shard++)
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var response = await dynamoDb.QueryAsync(new QueryRequest
                {
                    TableName = Table,
                    IndexName = Pending,
                    KeyConditionExpression = "#s = :s AND #t < :t",
                    ExpressionAttributeNames = new() { ["#s"] = PendingShard, ["#t"] = UploadedAt },
                    ExpressionAttributeValues = new()
                    {
                        [":s"] = new() { S = ShardKey(shard) },
                        [":t"] = new() { S = FormatTime(uploadedBefore) },
                    },
                    ExclusiveStartKey = start,
                }, cancellationToken);
                foreach (var item in response.Items ?? []) yield return FromItem(item);
                start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            }
            while (start is not null);
        }
    }
}
