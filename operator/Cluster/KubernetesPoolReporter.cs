using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;
using k8s;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// Writes a pool's status through the status subresource (re-reading and retrying on conflicts) and
/// its events as events.k8s.io/v1 Events. A status that only differs in the queue's observation
/// time is written at most every <see cref="Heartbeat"/>, so a quiet pool does not write every poll.
/// </summary>
public sealed class KubernetesPoolReporter(
    IKubernetes client,
    EventRecorder events,
    Func<RecognitionPool> pool,
    TimeProvider time) : IPoolReporter
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    private RecognitionPoolStatus? _written;
    private DateTimeOffset _writtenAt;

    public async Task ReportStatusAsync(RecognitionPoolStatus status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_written is not null && SameApartFromObservationTime(_written, status) && now - _writtenAt < Heartbeat) return;

        var current = pool();
        await client.UpdatePoolStatusWithRetryAsync(current.Namespace, current.Name, latest => latest.Status = status,
            cancellationToken: cancellationToken);
        _written = status;
        _writtenAt = now;
    }

    public Task ReportEventAsync(string type, string reason, string message, CancellationToken cancellationToken) =>
        events.RecordAsync(EventRecorder.ReferenceTo(pool()), type, reason, "Scale", message, cancellationToken);

    private static bool SameApartFromObservationTime(RecognitionPoolStatus a, RecognitionPoolStatus b) =>
        (a with { Queue = a.Queue is null ? null : a.Queue with { ObservedAt = default }, Conditions = [] })
        == (b with { Queue = b.Queue is null ? null : b.Queue with { ObservedAt = default }, Conditions = [] })
        && a.Conditions.SequenceEqual(b.Conditions);
}
