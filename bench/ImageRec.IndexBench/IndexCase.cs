using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ImageRec.Common.Index;
using ImageRec.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ImageRec.IndexBench;

/// <summary>
/// One size against the image index: a table of its own (deploy/eks/image-index-table.json), the workload written
/// with BatchWriteItem (25 items a call, <see cref="BenchOptions.LoadConcurrency"/> calls in flight, the items of
/// <see cref="ImageIndexSchema.ToItem"/>), then pages of 50 from <see cref="ImageIndex.ListAsync"/>, each checked.
/// </summary>
internal sealed class IndexCase(IAmazonDynamoDB dynamoDb, Workload workload, string table, int seed)
{
    public const int PageSize = 50;
    private const int BatchSize = 25;

    private readonly Random _random = new(seed);
    private readonly ImageIndex _index = new(dynamoDb, Options.Create(new ImageIndexOptions { TableName = table }));

    public Workload Workload => workload;

    /// <summary>Items written: the owner's images and the others'.</summary>
    public int Loaded => workload.Images.Count + workload.Noise.Count;

    public TimeSpan LoadTime { get; private set; }

    /// <summary>A new table holding <paramref name="workload"/>.</summary>
    public static async Task<IndexCase> LoadAsync(IAmazonDynamoDB dynamoDb, Uri endpoint, Workload workload, BenchOptions options, CancellationToken cancellationToken)
    {
        // Returns once the table is ACTIVE (dynalite refuses writes to a CREATING table as "not found").
        var table = await IndexTable.CreateAsync(endpoint, $"bench-index-{workload.Images.Count}-{Guid.NewGuid():N}");
        var loading = new IndexCase(dynamoDb, workload, table, options.Seed);
        var elapsed = Stopwatch.StartNew();
        await loading.WriteAsync(workload.All(), options.LoadConcurrency, cancellationToken);
        loading.LoadTime = elapsed.Elapsed;
        return loading;
    }

    /// <summary>
    /// A page of the owner's images starting after a random one of them (or at the newest), so that deep pages count
    /// as much as the first; it must be the next 50 images in upload order, or the figures would mean nothing.
    /// </summary>
    public Task PageAsync(CancellationToken cancellationToken) => PageAsync(null, workload.Images, cancellationToken);

    /// <summary>The same with the rare label's filter (at most 50,000 images, fewer than 50 match: the first page).</summary>
    public Task LabelPageAsync(CancellationToken cancellationToken) => PageAsync(workload.RareLabel, workload.Rare, cancellationToken);

    private async Task PageAsync(string? label, IReadOnlyList<IndexedImage> listing, CancellationToken cancellationToken)
    {
        // -1: the first page; else after image `after`, never so deep that the page would not be full.
        var after = _random.Next(-1, Math.Max(-1, listing.Count - PageSize - 1) + 1);
        var cursor = after < 0 ? null : new IndexCursor(ImageIndexSchema.FormatTime(listing[after].UploadedAt), listing[after].Id);
        var page = await _index.ListAsync(workload.Owner, label, cursor, PageSize, cancellationToken);
        var expected = Math.Min(PageSize, listing.Count - after - 1);
        if (page.Items.Count != expected || page.Items[0].Id != listing[after + 1].Id || page.Items[^1].Id != listing[after + expected].Id)
            throw new InvalidOperationException(
                $"{workload.Owner} label={label ?? "-"} after #{after}: {page.Items.Count} images starting {page.Items.FirstOrDefault()?.Id}, expected {expected} starting {listing[after + 1].Id}");
    }

    private async Task WriteAsync(IEnumerable<IndexedImage> images, int concurrency, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(images.Chunk(BatchSize),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                var requests = batch.Select(i => new WriteRequest { PutRequest = new PutRequest { Item = ImageIndexSchema.ToItem(i) } }).ToList();
                for (var attempt = 0; requests.Count > 0; attempt++)
                {
                    if (attempt > 0) await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 20 << attempt)), ct);
                    var response = await dynamoDb.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [table] = requests } }, ct);
                    requests = response.UnprocessedItems is { } left && left.TryGetValue(table, out var rest) ? rest : [];
                }
            });
    }
}
