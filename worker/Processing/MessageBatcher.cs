using System.Diagnostics;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws.Sqs;
using Microsoft.Extensions.Options;

namespace ImageRec.Worker.Processing;

/// <summary>
/// Receives the next batch of jobs: one long poll for the first messages, then, when a batch may be
/// larger than one receive (10) and a wait budget is set, short polls until the batch is full or the
/// budget is spent — dynamic batching across messages, as inference servers such as Triton do.
/// </summary>
public sealed class MessageBatcher(IAmazonSQS sqs, IOptions<WorkerOptions> options)
{
    /// <summary>The receive count tells a redelivered job from a first one (<see cref="WorkerMetrics.Redelivered"/>).</summary>
    private static readonly List<string> Attributes = [MessageSystemAttributeName.ApproximateReceiveCount];

    public async Task<IReadOnlyList<Message>> ReceiveAsync(string queueUrl, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var target = Math.Max(1, o.MaxBatchSize);
        var first = await sqs.ReceiveMessagesAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = Math.Min(Math.Min(SqsClientExtensions.MaxBatchSize, o.MaxMessages), target),
            WaitTimeSeconds = o.WaitTimeSeconds,
            VisibilityTimeout = o.VisibilityTimeoutSeconds,
            MessageSystemAttributeNames = Attributes,
        }, cancellationToken);
        if (first.Count == 0 || first.Count >= target || o.BatchWaitMilliseconds <= 0) return first;

        var batch = new List<Message>(first);
        var budget = Stopwatch.StartNew();
        while (batch.Count < target && budget.ElapsedMilliseconds < o.BatchWaitMilliseconds)
        {
            var more = await sqs.ReceiveMessagesAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = Math.Min(SqsClientExtensions.MaxBatchSize, target - batch.Count),
                WaitTimeSeconds = 0,
                VisibilityTimeout = o.VisibilityTimeoutSeconds,
                MessageSystemAttributeNames = Attributes,
            }, cancellationToken);
            if (more.Count == 0) await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5, o.BatchWaitMilliseconds)), cancellationToken);
            batch.AddRange(more);
        }
        return batch;
    }
}
