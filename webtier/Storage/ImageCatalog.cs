using Amazon.S3.Model;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;

namespace ImageRec.WebTier.Storage;

/// <summary>
/// An owner's images, as the API shows them: listed and found through the index (<see cref="ImageIndex"/>, one
/// DynamoDB call each), with the full result from S3 for a single image, and deleted from all three stores.
/// </summary>
public sealed class ImageCatalog(ImageIndex index, InputStore inputs, ResultStore results, TimeProvider time)
{
    public const int MaxPageSize = ImageIndex.MaxPageSize;

    /// <summary>How often <see cref="WaitAsync"/> looks again (one index read and one S3 read each time).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public sealed record Page(IReadOnlyList<RecognitionResult> Items, string? NextCursor);

    /// <param name="label">Only images whose top label this is (case-insensitive).</param>
    /// <param name="cursor">The previous page's <see cref="Page.NextCursor"/>.</param>
    public async Task<Page> ListAsync(string owner, string? label, string? cursor, int limit, CancellationToken cancellationToken)
    {
        IndexCursor? after = null;
        if (cursor is not null && !IndexCursor.TryDecode(cursor, out after)) return new Page([], null);
        var page = await index.ListAsync(owner, label, after, limit, cancellationToken);
        return new Page(page.Items.Select(i => i.ToResult()).ToArray(), page.Next?.Encode());
    }

    /// <summary>Whether <paramref name="cursor"/> has the form of a <see cref="Page.NextCursor"/>.</summary>
    public static bool IsCursor(string cursor) => IndexCursor.TryDecode(cursor, out _);

    /// <summary>
    /// The image's result: the worker's whole document from S3 once there is one (an outcome the index has not
    /// recorded yet included), else what the index says (queued). Null when the owner has no such image.
    /// </summary>
    public async Task<RecognitionResult?> GetAsync(string owner, string id, CancellationToken cancellationToken)
    {
        if (await index.GetAsync(owner, id, cancellationToken) is not { } image) return null;
        return await results.GetResultAsync(owner, id, cancellationToken) ?? image.ToResult();
    }

    /// <summary>
    /// The image's result as <see cref="GetAsync"/> reads it, read again until the image is finished or
    /// <paramref name="wait"/> is up (then as it is). Null when the owner has no such image.
    /// </summary>
    public async Task<RecognitionResult?> WaitAsync(string owner, string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            if (await GetAsync(owner, id, cancellationToken) is not { } result) return null;
            var left = deadline - time.GetUtcNow();
            if (!ImageIndexSchema.IsUnfinished(result.Status) || left <= TimeSpan.Zero) return result;
            await Task.Delay(left < PollInterval ? left : PollInterval, time, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the image, its result and its index item; true when the index held it. Idempotent: what is already
    /// gone stays gone, and a result left without its image (a worker finishing late) goes too. The index item goes
    /// last, so a delete cut off part-way leaves the image listed, and deleting it again finishes the job.
    /// </summary>
    public async Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken)
    {
        await inputs.DeleteAsync(await InputOfAsync(owner, id, cancellationToken), cancellationToken);
        await results.DeleteAsync(owner, id, cancellationToken);
        return await index.DeleteAsync(owner, id, cancellationToken);
    }

    /// <summary>The stored image, or null when there is none; dispose the response.</summary>
    public async Task<GetObjectResponse?> OpenContentAsync(string owner, string id, CancellationToken cancellationToken) =>
        await inputs.OpenAsync(await InputOfAsync(owner, id, cancellationToken), cancellationToken);

    /// <summary>Where the image is stored: its index item says when a pipeline wrote it under a name of its own.</summary>
    private async Task<Common.Contracts.ObjectLocation> InputOfAsync(string owner, string id, CancellationToken cancellationToken) =>
        await index.GetAsync(owner, id, cancellationToken) is { } image ? inputs.Location(image) : inputs.Location(owner, id);
}
