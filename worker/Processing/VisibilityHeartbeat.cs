using Amazon.SQS;
using ImageRec.Common.Aws;
using Microsoft.Extensions.Logging;

namespace ImageRec.Worker.Processing;

/// <summary>
/// Keeps the messages a worker is working on invisible while it works: every third of the visibility
/// timeout it extends them to a full timeout again (ChangeMessageVisibility), so a slow batch is not
/// redelivered to another worker mid-way, and a crashed worker's messages still come back within one
/// timeout. Dispose to stop.
/// </summary>
public sealed class VisibilityHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    public VisibilityHeartbeat(IAmazonSQS sqs, string queueUrl, IReadOnlyList<string> receiptHandles, TimeSpan visibilityTimeout,
        TimeProvider time, ILogger logger)
    {
        _timer = new PeriodicTimer(visibilityTimeout / 3, time);
        _loop = Task.Run(async () =>
        {
            try
            {
                // Ends when the timer is disposed: most batches finish before the first beat, and a stop that cancelled
                // the wait would cost an exception per batch.
                while (await _timer.WaitForNextTickAsync())
                {
                    // All at once: one after the other, a slow SQS (a second per call) would reach the last
                    // messages of a batch only after their timeout ran out.
                    await Task.WhenAll(receiptHandles.Select(async handle =>
                    {
                        try
                        {
                            await sqs.ChangeMessageVisibilityAsync(queueUrl, handle, (int)Math.Ceiling(visibilityTimeout.TotalSeconds), _stop.Token);
                        }
                        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, _stop.Token))
                        {
                            // The message may already be deleted (done) or redelivered; either way nothing to keep.
                            logger.LogDebug("Visibility extension failed ({Code}); continuing", AwsCallFailures.Code(e));
                        }
                    }));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        // Cuts short an extension in flight, if any.
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
