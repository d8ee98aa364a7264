using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;

namespace ImageRec.Operator.Local;

/// <summary>Local mode has no API server: status is kept for <c>GET /status</c> and events go to the log.</summary>
public sealed class LocalPoolReporter(ILogger<LocalPoolReporter> logger) : IPoolReporter
{
    public RecognitionPoolStatus? Latest { get; private set; }

    public Task ReportStatusAsync(RecognitionPoolStatus status, CancellationToken cancellationToken)
    {
        Latest = status;
        return Task.CompletedTask;
    }

    public Task ReportEventAsync(string type, string reason, string message, CancellationToken cancellationToken)
    {
        if (type == "Warning") logger.LogWarning("Event {Reason}: {Message}", reason, message);
        else logger.LogInformation("Event {Reason}: {Message}", reason, message);
        return Task.CompletedTask;
    }
}
