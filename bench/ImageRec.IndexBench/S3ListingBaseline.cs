using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Contracts;

namespace ImageRec.IndexBench;

/// <summary>
/// THE BASELINE: what <c>GET /v1/images</c> did before the index (webtier/Jobs/ImageCatalog.cs and
/// ResultStore.GetResultAsync at commit d6f4119), kept here, self-contained, only so that the bench can compare. Not
/// used by any service. A page lists every input key of the owner (1,000 keys per ListObjectsV2 call), sorts them by
/// the time S3 stored them, and reads result documents 50 at a time in parallel until the page is full; with a label
/// filter, an owner with a rare label has every one of their results read for one page.
/// </summary>
internal sealed class S3ListingBaseline(IAmazonS3 s3, string inputBucket, string resultBucket)
{
    public sealed record Page(IReadOnlyList<RecognitionResult> Items, string? NextCursor);

    public static string InputKey(string owner, string id) => $"{owner}/{id}";

    public static string ResultKey(string owner, string id) => $"{owner}/{id}.json";

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
        return new Page(items, next < ids.Count ? stored[next - 1].Cursor : null);
    }

    /// <summary>The cursors of the owner's images, newest first: a page from cursor i starts at image i + 1.</summary>
    public async Task<IReadOnlyList<string>> CursorsAsync(string owner, CancellationToken cancellationToken) =>
        (await NewestFirstAsync(owner, cancellationToken)).Select(s => s.Cursor).ToArray();

    private async Task<RecognitionResult> DescribeAsync(string owner, string id, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(resultBucket, ResultKey(owner, id), cancellationToken);
            using var reader = new StreamReader(response.ResponseStream);
            return ContractSerializer.ParseResult(await reader.ReadToEndAsync(cancellationToken));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return new RecognitionResult { Id = id, Owner = owner, Status = JobStatus.Queued };
        }
    }

    private async Task<List<StoredImage>> NewestFirstAsync(string owner, CancellationToken cancellationToken)
    {
        var prefix = InputKey(owner, "");
        var images = new List<StoredImage>();
        var listing = s3.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = inputBucket, Prefix = prefix });
        await foreach (var o in listing.S3Objects.WithCancellation(cancellationToken))
        {
            if (Guid.TryParseExact(o.Key[prefix.Length..], "D", out _))
                images.Add(new StoredImage(o.Key[prefix.Length..], (o.LastModified ?? DateTime.MinValue).ToUniversalTime().Ticks));
        }
        images.Sort(StoredImage.NewestFirst);
        return images;
    }

    /// <summary>An image in the listing: its id and when S3 stored it (UTC ticks).</summary>
    private sealed record StoredImage(string Id, long StoredTicks)
    {
        public static readonly Comparer<StoredImage> NewestFirst = Comparer<StoredImage>.Create((a, b) =>
            a.StoredTicks != b.StoredTicks ? b.StoredTicks.CompareTo(a.StoredTicks) : string.CompareOrdinal(b.Id, a.Id));

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
