using System.Threading.Channels;
using ImageRec.Common.Aws;
using ImageRec.WebTier.Storage;

namespace ImageRec.WebTier.Submission;

/// <summary>
/// Takes away the stored image (and any result and index item) of an upload whose caller was told it failed: the
/// store, the indexing or the enqueue broke part-way, and a retrying caller must not find the failed attempt in its list as
/// well, queued forever or run anyway. The deletion usually fails for the same reason the upload did (S3,
/// the index or SQS unavailable), so it is retried in the background with backoff instead of holding up the answer.
/// </summary>
public sealed class AbandonedUploads(ImageCatalog catalog, TimeProvider time, ILogger<AbandonedUploads> logger) : BackgroundService
{
    private const int MaxAttempts = 10;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Channel<(string Owner, string Id)> _pending = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });

    public void Discard(string owner, string id) => _pending.Writer.TryWrite((owner, id));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (owner, id) in _pending.Reader.ReadAllAsync(stoppingToken))
                await DeleteAsync(owner, id, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (_pending.Reader.Count > 0)
                logger.LogWarning("Stopping with {Count} failed uploads not yet removed; their images stay listed as queued", _pending.Reader.Count);
        }
    }

    private async Task DeleteAsync(string owner, string id, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await catalog.DeleteAsync(owner, id, stoppingToken);
                logger.LogInformation("Removed image {Id} of a failed upload", id);
                return;
            }
            catch (Exception e) when (TransientAwsErrors.IsTransient(e, stoppingToken) && attempt < MaxAttempts)
            {
                var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, attempt - 1)));
                logger.LogWarning("Removing image {Id} of a failed upload failed ({ErrorCode}: {Error}); attempt {Attempt} of {MaxAttempts}, next in {Backoff}",
                    id, AwsCallFailures.Code(e), e.Message, attempt, MaxAttempts, backoff);
                await Task.Delay(backoff, time, stoppingToken);
            }
            // Out of attempts, or refused for good (a permission missing, a bucket gone): retrying will not help, and
            // the failure must not end the loop, which would stop the whole web tier (BackgroundServiceExceptionBehavior.StopHost).
            catch (Exception e) when (AwsCallFailures.IsCallFailure(e, stoppingToken))
            {
                logger.LogError(e, "Giving up removing image {Id} of a failed upload after {Attempts} attempts ({ErrorCode}); it stays listed as queued",
                    id, attempt, AwsCallFailures.Code(e));
                return;
            }
        }
    }
}
