using ImageRec.Common.Configuration;
using ImageRec.Common.Index;

namespace ImageRec.WebTier.Storage;

/// <summary>
/// <c>imagerec-webtier reindex</c>: rebuilds the index from S3, the store of record. Every image in the input bucket
/// (<see cref="InputStore.ListAllAsync"/>: ours and those pipelines wrote under an owner's prefix) becomes the item the
/// live index holds for it (<see cref="IndexedImage.FromStorage"/>: its metadata, and its result
/// when a worker wrote one), written over whatever the table held for it. Items of images no longer in S3 are not
/// looked for: rebuild into a new, empty table (<c>--Index:TableName=...</c>) to drop them.
/// </summary>
public sealed class IndexRebuild(InputStore inputs, ResultStore results, ImageIndex index, ILogger<IndexRebuild> logger)
{
    /// <summary>Inputs read and items written at once: S3 and DynamoDB calls are network-bound.</summary>
    private const int Parallelism = 16;

    public sealed record Summary(int Images, int Queued, int Finished);

    public async Task<Summary> RunAsync(CancellationToken cancellationToken)
    {
        int images = 0, queued = 0;
        await Parallel.ForEachAsync(inputs.ListAllAsync(cancellationToken),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (stored, ct) =>
            {
                // Deleted since the listing: nothing to index.
                if (await inputs.ReadAsync(stored.Owner, stored.Id, stored.Key, ct) is not { } input) return;
                var result = await results.GetResultAsync(stored.Owner, stored.Id, ct);
                var image = IndexedImage.FromStorage(input.ToJob(inputs.Bucket), input.Size, input.ContentSha256, result);
                // A file a pipeline wrote under a name of its own carries no metadata of ours: its name is its file name,
                // and its upload time is when S3 stored it (the live item has the event's time, the same moment).
                if (stored.Key != StorageOptions.InputKey(stored.Owner, stored.Id))
                    image = image with { InputKey = stored.Key, FileName = stored.Key[(stored.Owner.Length + 1)..] };
                await index.PutAsync(image, ct);
                Interlocked.Increment(ref images);
                if (result is null) Interlocked.Increment(ref queued);
            });
        logger.LogInformation("Reindexed {Images} images ({Queued} queued, {Finished} finished)", images, queued, images - queued);
        return new Summary(images, queued, images - queued);
    }
}
