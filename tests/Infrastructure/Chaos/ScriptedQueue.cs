using Amazon.SQS;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// An SQS queue on the emulator whose depth a test sets — sending messages to raise it, receiving and
/// deleting them to lower it — so the operator, reading the real queue, has something to follow.
/// </summary>
public sealed class ScriptedQueue
{
    private readonly IAmazonSQS _sqs;
    private int _depth;

    private ScriptedQueue(IAmazonSQS sqs, string url)
    {
        _sqs = sqs;
        Url = url;
    }

    public string Url { get; }

    /// <summary>The depth the test asked for last.</summary>
    public int Depth => _depth;

    public static async Task<ScriptedQueue> CreateAsync(IAmazonSQS sqs, string name, CancellationToken cancellationToken) =>
        new(sqs, (await sqs.CreateQueueAsync(name, cancellationToken)).QueueUrl);

    /// <summary>Sends or takes away messages until <paramref name="depth"/> wait in the queue.</summary>
    public async Task SetDepthAsync(int depth, CancellationToken cancellationToken)
    {
        while (_depth < depth)
        {
            var batch = Math.Min(10, depth - _depth);
            await _sqs.SendAllAsync(Url, [.. Enumerable.Repeat("job", batch)], cancellationToken);
            _depth += batch;
        }
        for (var attempt = 0; _depth > depth; attempt++)
        {
            Assert.True(attempt < 30, $"could not take messages from {Url}: {_depth} left, {depth} wanted");
            var received = await _sqs.ReceiveAsync(Url, max: Math.Min(10, _depth - depth), waitSeconds: 1, cancellationToken: cancellationToken);
            foreach (var message in received) await _sqs.DeleteMessageAsync(Url, message.ReceiptHandle, cancellationToken);
            _depth -= received.Count;
        }
    }

    /// <summary>What SQS says now: waiting (visible) and received but not deleted (in flight).</summary>
    public async Task<(long Visible, long InFlight)> ReadAsync(CancellationToken cancellationToken)
    {
        return (await _sqs.CountAsync(Url, QueueAttributeName.ApproximateNumberOfMessages, cancellationToken),
            await _sqs.CountAsync(Url, QueueAttributeName.ApproximateNumberOfMessagesNotVisible, cancellationToken));
    }
}
