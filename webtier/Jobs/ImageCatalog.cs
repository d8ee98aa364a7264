using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Jobs;

/// <summary>
/// An owner's images as S3 holds them: inputs under <c>{owner}/</c> in the input bucket, results beside
/// them in the results bucket. "Newest first" is by the time S3 stored each input (ids from an
/// Idempotency-Key are name-based, so id order is not upload order). Listing reads the owner's keys and
/// the results of one page; a per-owner index (e.g. DynamoDB) is what a large deployment would add.
/// </summary>
public sealed class ImageCatalog(IAmazonS3 s3, ResultStore results, IOptions<StorageOptions> storage)
{
    public const int MaxPageSize = 100;

    public sealed record Page(IReadOnlyList<RecognitionResult> Items, string? NextCursor);

    /// <param name="label">Only images with this label among their top labels (case-insensitive).</param>
    /// <param name="cursor">The previous page's <see cref="Page.NextCursor"/>.</param>
    public async Task<Page> ListAsync(string owner, string? label, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var stored = await NewestFirstAsync(owner, cancellationToken);
        var ids = stored.Select(s => s.Id).ToList();
        var start = 0;
        if (cursor is not null)
        {
            if (!StoredImage.TryParseCursor(cursor, out var after)) return new Page([], null);
            start = stored.FindIndex(s => StoredImage.NewestFirst.Compare(s, after) > 0);
            if (start < 0) return new Page([], null);
        }

        var items = new List<RecognitionResult>();
        var next = start;
        while (next < ids.Count && items.Count < limit)
        {
            var chunk = ids.GetRange(next, Math.Min(limit, ids.Count - next));
            var described = await Task.WhenAll(chunk.Select(id => DescribeAsync(owner, id, cancellationToken)));
            var examined = 0;
            foreach (var item in described)
            {
                examined++;
                if (label is null || item.Labels.Any(l => string.Equals(l.Label, label, StringComparison.OrdinalIgnoreCase)))
                    items.Add(item);
                if (items.Count == limit) break;
            }
            next += examined;
        }
        // The cursor is the last image examined: the next page continues after it, even if it is deleted meanwhile.
        return new Page(items, next < ids.Count ? stored[next - 1].Cursor : null);
    }

    /// <summary>Whether <paramref name="cursor"/> has the form of a <see cref="Page.NextCursor"/>.</summary>
    public static bool IsCursor(string cursor) => StoredImage.TryParseCursor(cursor, out _);

    /// <summary>
    /// Deletes the image and its result; true when the image was there. Idempotent: what is already gone
    /// stays gone, and a result left without its image (a worker finishing late) goes too.
    /// </summary>
    public async Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken)
    {
        var existed = await results.InputExistsAsync(owner, id, cancellationToken);
        await s3.DeleteObjectAsync(storage.Value.InputBucket, StorageOptions.InputKey(owner, id), cancellationToken);
        await s3.DeleteObjectAsync(storage.Value.ResultBucket, StorageOptions.ResultKey(owner, id), cancellationToken);
        return existed;
    }

    /// <summary>The stored image, or null when there is none; dispose the response.</summary>
    public async Task<GetObjectResponse?> OpenContentAsync(string owner, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await s3.GetObjectAsync(storage.Value.InputBucket, StorageOptions.InputKey(owner, id), cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<RecognitionResult> DescribeAsync(string owner, string id, CancellationToken cancellationToken) =>
        await results.GetResultAsync(owner, id, cancellationToken)
        ?? new RecognitionResult { Id = id, Owner = owner, Status = JobStatus.Queued };

    /// <summary>
    /// The owner's images, newest upload first. Upload time, not id order: ids from an Idempotency-Key are
    /// name-based (UUIDv5), not time-ordered like minted ones (UUIDv7).
    /// </summary>
    private async Task<List<StoredImage>> NewestFirstAsync(string owner, CancellationToken cancellationToken)
    {
        var prefix = StorageOptions.InputKey(owner, "");
        var images = new List<StoredImage>();
        var listing = s3.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = storage.Value.InputBucket, Prefix = prefix });
        await foreach (var o in listing.S3Objects.WithCancellation(cancellationToken))
        {
            if (Guid.TryParseExact(o.Key[prefix.Length..], "D", out _))
                images.Add(new StoredImage(o.Key[prefix.Length..], (o.LastModified ?? DateTime.MinValue).ToUniversalTime().Ticks));
        }
        images.Sort(StoredImage.NewestFirst);
        return images;
    }

    /// <summary>An image in the listing: its id and when it was stored (UTC ticks).</summary>
    private sealed record StoredImage(string Id, long StoredTicks)
    {
        public static readonly Comparer<StoredImage> NewestFirst = Comparer<StoredImage>.Create((a, b) =>
            a.StoredTicks != b.StoredTicks ? b.StoredTicks.CompareTo(a.StoredTicks) : string.CompareOrdinal(b.Id, a.Id));

        /// <summary>Opaque to clients: where the next page starts.</summary>
        public string Cursor => $"{StoredTicks}_{Id}";

        public static bool TryParseCursor(string cursor, out StoredImage after)
        {
            after = null!;
            var separator = cursor.IndexOf('_');
            if (separator <= 0 || !long.TryParse(cursor.AsSpan(0, separator), out var ticks)) return false;
            var id = cursor[(separator + 1)..];
            if (!Guid.TryParseExact(id, "D", out _)) return false;
            after = new StoredImage(id, ticks);
            return true;
        }
    }
}
