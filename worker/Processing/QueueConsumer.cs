using System.Threading.Channels;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Common.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageRec.Worker.Processing;

/// <summary>
/// The worker's main loop. One task long-polls the request queue and splits what it got over the
/// lanes (<see cref="LanePlan"/>); each lane processes one batch at a time. The hand-over holds one
/// batch per lane, so the next receive's batches are waiting while the current ones are classified,
/// but a worker never hoards more messages than it can work on soon.
///
/// Every batch is kept invisible by a <see cref="VisibilityHeartbeat"/> from the moment it is received
/// until it is done: the batch waiting in the hand-over behind a slow one must not time out and be run
/// by a second worker while this one still goes on to run it.
///
/// On shutdown (SIGTERM) no new receive starts, the batches being processed are finished, and
/// batches received but not started — including what a long poll still in flight brings — are
/// released (visibility 0) so another worker takes them now rather than after the visibility timeout.
/// </summary>
public sealed class QueueConsumer(
    IAmazonSQS sqs,
    MessageBatcher batcher,
    JobBatchProcessor processor,
    LanePlan lanes,
    IOptions<QueueOptions> queue,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<QueueConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(2);

    /// <summary>Received messages and the heartbeat that keeps them hidden until they are done.</summary>
    private sealed record HeldBatch(IReadOnlyList<Message> Messages, VisibilityHeartbeat Heartbeat);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueUrl = await sqs.ResolveQueueUrlAsync(queue.Value.RequestQueue, stoppingToken);
        logger.LogInformation("Taking jobs from {QueueUrl} with {Lanes} lanes ({DecodeThreads} decode and {IntraOpThreads} model threads each)",
            queueUrl, lanes.Lanes, lanes.DecodeThreads, lanes.IntraOpThreads);

        var handOver = Channel.CreateBounded<HeldBatch>(new BoundedChannelOptions(lanes.Lanes) { SingleWriter = true });
        var receiving = ReceiveLoopAsync(queueUrl, handOver.Writer, stoppingToken);
        var working = Enumerable.Range(0, lanes.Lanes).Select(_ => Task.Run(() => LaneAsync(queueUrl, handOver.Reader, stoppingToken)));
        await Task.WhenAll(working);
        await receiving;
    }

    private async Task LaneAsync(string queueUrl, ChannelReader<HeldBatch> handOver, CancellationToken stoppingToken)
    {
        // Processing is not cancelled by the stop signal: a started batch runs to its end.
        await foreach (var (messages, heartbeat) in handOver.ReadAllAsync(CancellationToken.None))
        {
            if (stoppingToken.IsCancellationRequested)
            {
                await heartbeat.DisposeAsync();
                await ReleaseAsync(queueUrl, messages);
                continue;
            }
            IReadOnlyList<Message> retry = [];
            try
            {
                retry = await processor.ProcessAsync(queueUrl, messages, CancellationToken.None);
            }
            catch (Exception e)
            {
                // Whatever it was, the messages were not deleted and will be redelivered.
                logger.LogError(e, "Processing a batch of {Count} messages failed; they will be redelivered", messages.Count);
            }
            finally
            {
                await heartbeat.DisposeAsync();
            }
            // Only once the heartbeat has stopped, or its next beat would hide them for a full timeout again.
            await RetryLaterAsync(queueUrl, retry);
        }
    }

    private async Task ReceiveLoopAsync(string queueUrl, ChannelWriter<HeldBatch> handOver, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                IReadOnlyList<Message> messages;
                try
                {
                    // Receive only when the hand-over has room: a worker holds at most the batches its
                    // lanes are processing and one receive more, never messages other workers could be running.
                    await handOver.WaitToWriteAsync(stoppingToken);
                    // A long poll is not cancel-safe: SQS may already be handing messages to it, and a
                    // closed connection leaves them invisible until their visibility timeout
                    // (aws/aws-sdk-net#1680). So the poll in flight runs to its end, at most
                    // WaitTimeSeconds, and what it brings after the stop signal is released at once.
                    messages = await batcher.ReceiveAsync(queueUrl, CancellationToken.None);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (AwsCallFailures.IsCallFailure(e, stoppingToken))
                {
                    logger.LogWarning("ReceiveMessage failed ({Code}: {Message}); retrying in {Backoff}", AwsCallFailures.Code(e), e.Message, ErrorBackoff);
                    await Task.Delay(ErrorBackoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }
                if (stoppingToken.IsCancellationRequested)
                {
                    if (messages.Count > 0) await ReleaseAsync(queueUrl, messages);
                    break;
                }
                foreach (var batch in lanes.Split(messages))
                {
                    if (batch.Count == 0) continue;
                    var heartbeat = new VisibilityHeartbeat(sqs, queueUrl, batch.Select(m => m.ReceiptHandle).ToArray(),
                        TimeSpan.FromSeconds(options.Value.VisibilityTimeoutSeconds), time, logger);
                    await handOver.WriteAsync(new HeldBatch(batch, heartbeat), CancellationToken.None);
                }
            }
        }
        finally
        {
            handOver.Complete();
        }
    }

    /// <summary>
    /// A job that met a transient S3/SQS/DynamoDB error comes back after a short backoff — exponential in how often it
    /// was received, with equal jitter (<see cref="RetryBackoff"/>), capped at the visibility timeout — rather than after the rest of the
    /// timeout the heartbeat last granted it (60 s by default, longer than any synchronous wait).
    /// </summary>
    private async Task RetryLaterAsync(string queueUrl, IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            var seconds = RetryBackoff.Seconds(message.ApproximateReceiveCount() ?? 1, options.Value.RetryBaseDelaySeconds,
                options.Value.VisibilityTimeoutSeconds, Random.Shared);
            try
            {
                await sqs.ChangeMessageVisibilityAsync(queueUrl, message.ReceiptHandle, seconds, CancellationToken.None);
            }
            catch (Exception e) when (AwsCallFailures.IsCallFailure(e, CancellationToken.None))
            {
                logger.LogWarning("Setting the retry delay of message {MessageId} failed ({Code}); it returns after its visibility timeout",
                    message.MessageId, AwsCallFailures.Code(e));
            }
        }
    }

    private async Task ReleaseAsync(string queueUrl, IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await sqs.ChangeMessageVisibilityAsync(queueUrl, message.ReceiptHandle, 0, CancellationToken.None);
            }
            catch (Exception e) when (AwsCallFailures.IsCallFailure(e, CancellationToken.None))
            {
                logger.LogWarning("Releasing message {MessageId} failed ({Code}); it returns after its visibility timeout", message.MessageId, AwsCallFailures.Code(e));
            }
        }
        logger.LogInformation("Released {Count} unstarted messages on shutdown", messages.Count);
    }
}
