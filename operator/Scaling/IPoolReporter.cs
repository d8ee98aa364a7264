using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Scaling;

/// <summary>Where a pool's status and events go: the status subresource and Events in a cluster, the log and /status locally.</summary>
public interface IPoolReporter
{
    Task ReportStatusAsync(RecognitionPoolStatus status, CancellationToken cancellationToken);

    /// <param name="type">Normal or Warning.</param>
    Task ReportEventAsync(string type, string reason, string message, CancellationToken cancellationToken);
}
