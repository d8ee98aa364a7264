using System.Globalization;
using ImageRec.Common.Aws.Sqs;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// An SQS queue on the emulator whose depth a test sets — sending messages to raise it, receiving and
/// deleting them to lower it — so the operator, reading the real queue, has something to follow.
/// </summary>
public sealed class ScriptedQueue
{
    private readonly ISqsClient _sqs;
    private int _depth;

    private ScriptedQueue(ISqsClient sqs, string url)
    {
        _sqs = sqs;
        Url = url;
    }

    public string Url { get; }

    /// <summary>The depth the test asked for last.</summary>
    public int Depth => _depth;

    public static async Task<ScriptedQueue> CreateAsync(ISqsClient sqs, string name, CancellationToken cancellationToken) =>
        new(sqs, await sqs.CreateQueueAsync(name, null, cancellationToken));

    /// <summary>Sends or takes away messages until <paramref name="depth"/> wait in the queue.</summary>
    public async Task SetDepthAsync(int depth, CancellationToken cancellationToken)
    {
        while (_depth < depth)
        {
            var batch = Math.Min(10, depth - _depth);
            var entries = Enumerable.Range(0, batch).Select(i => new SqsSendBatchEntry(i.ToString(CultureInfo.InvariantCulture), "job")).ToList();
            var sent = await _sqs.SendMessageBatchAsync(Url, entries, cancellationToken);
            Assert.True(sent.Failed.Count == 0, $"sending to {Url}: {sent.Failed.Count} failed");
            _depth += batch;
        }
        for (var attempt = 0; _depth > depth; attempt++)
        {
            Assert.True(attempt < 30, $"could not take messages from {Url}: {_depth} left, {depth} wanted");
            var received = await _sqs.ReceiveMessagesAsync(Url, new SqsReceiveOptions { MaxNumberOfMessages = Math.Min(10, _depth - depth), WaitTimeSeconds = 1 }, cancellationToken);
            foreach (var message in received) await _sqs.DeleteMessageAsync(Url, message.ReceiptHandle, cancellationToken);
            _depth -= received.Count;
        }
    }

    /// <summary>What SQS says now: waiting (visible) and received but not deleted (in flight).</summary>
    public async Task<(long Visible, long InFlight)> ReadAsync(CancellationToken cancellationToken)
    {
        var values = await _sqs.GetQueueAttributesAsync(Url,
            [SqsQueueAttributeNames.ApproximateNumberOfMessages, SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible], cancellationToken);
        return (long.Parse(values[SqsQueueAttributeNames.ApproximateNumberOfMessages], CultureInfo.InvariantCulture),
            long.Parse(values[SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible], CultureInfo.InvariantCulture));
    }
}
