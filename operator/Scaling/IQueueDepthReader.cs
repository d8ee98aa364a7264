using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Scaling;

/// <summary>Reads a pool's queue counters.</summary>
public interface IQueueDepthReader
{
    /// <exception cref="QueueDepthUnavailableException">The queue could not be read, or its answer lacked a counter; the message says why.</exception>
    Task<QueueDepth> ReadAsync(QueueSpec queue, CancellationToken cancellationToken);
}
