using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;

namespace ImageRec.Tests.Operator.Controllers;

/// <summary>A queue whose depth the test sets; can also fail like an unreachable queue.</summary>
public sealed class ScriptedQueueDepth : IQueueDepthReader
{
    public volatile int Visible;
    public volatile bool Unreachable;

    public Task<QueueDepth> ReadAsync(QueueSpec queue, CancellationToken cancellationToken) => Unreachable
        ? Task.FromException<QueueDepth>(new QueueDepthUnavailableException("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."))
        : Task.FromResult(new QueueDepth(Visible, 0, 0, DateTimeOffset.UtcNow));
}
