using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Scaling;

/// <summary>Reads a pool's queue counters.</summary>
public interface IQueueDepthReader
{
    /// <exception cref="ImageRec.Common.Aws.Sqs.SqsException">The queue could not be read; the message says why.</exception>
    Task<QueueDepth> ReadAsync(QueueSpec queue, CancellationToken cancellationToken);
}
