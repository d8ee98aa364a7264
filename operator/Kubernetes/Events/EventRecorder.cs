using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// Writes events.k8s.io/v1 Events about objects (what `kubectl describe` and `kubectl events` show).
/// The same event repeated within <see cref="SeriesWindow"/> updates the first one's series
/// {count, lastObservedTime} with a merge patch instead of creating another object, as client-go's
/// event recorder does. Recording is best effort: failures are logged, never thrown.
/// </summary>
public sealed class EventRecorder
{
    public const string ReportingController = "imagerec.io/operator";

    private readonly IKubernetesClient _client;
    private readonly string _reportingInstance;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<EventKey, RecordedEvent> _recent = [];

    public EventRecorder(IKubernetesClient client, string reportingInstance, TimeProvider? timeProvider = null, ILogger<EventRecorder>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reportingInstance);
        _client = client;
        _reportingInstance = reportingInstance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>How long a repeat joins the earlier event's series.</summary>
    public TimeSpan SeriesWindow { get; init; } = TimeSpan.FromMinutes(5);

    public Task NormalAsync(ObjectReference regarding, string reason, string action, string note, CancellationToken cancellationToken = default) =>
        RecordAsync(regarding, EventTypes.Normal, reason, action, note, cancellationToken);

    public Task WarningAsync(ObjectReference regarding, string reason, string action, string note, CancellationToken cancellationToken = default) =>
        RecordAsync(regarding, EventTypes.Warning, reason, action, note, cancellationToken);

    public async Task RecordAsync(ObjectReference regarding, string type, string reason, string action, string note, CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var @namespace = string.IsNullOrEmpty(regarding.Namespace) ? "default" : regarding.Namespace;
        var key = new EventKey(regarding.Uid ?? "", regarding.Kind ?? "", @namespace, regarding.Name ?? "", type, reason, action, note);
        RecordedEvent? earlier;
        lock (_lock)
        {
            Prune(now);
            _recent.TryGetValue(key, out earlier);
        }

        try
        {
            if (earlier is not null)
            {
                var count = earlier.Count + 1;
                var patch = $$$"""{"series":{"count":{{{count}}},"lastObservedTime":"{{{KubernetesMicroTimeJsonConverter.ToMicroTime(now)}}}"}}""";
                await _client.PatchAsync(KubernetesResources.Events, @namespace, earlier.Name, patch, KubernetesPatchType.MergePatch, cancellationToken).ConfigureAwait(false);
                lock (_lock)
                {
                    _recent[key] = earlier with { Count = count };
                }

                return;
            }

            var name = $"{regarding.Name}.{now.ToUnixTimeMilliseconds() * 1_000_000:x}";
            var created = await _client.CreateAsync(KubernetesResources.Events, @namespace, new Event
            {
                Metadata = new ObjectMeta { Name = name, Namespace = @namespace },
                EventTime = now,
                ReportingController = ReportingController,
                ReportingInstance = _reportingInstance,
                Regarding = regarding,
                Type = type,
                Reason = reason,
                Action = action,
                Note = Truncate(note),
            }, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _recent[key] = new RecordedEvent(created.Metadata?.Name ?? name, now, Count: 1);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (earlier is not null && e is KubernetesApiException { IsNotFound: true })
            {
                // The event expired on the server (its TTL is an hour by default): start a new one next time.
                lock (_lock)
                {
                    _recent.Remove(key);
                }
            }

            _logger.LogWarning(e, "Could not record event {Reason} on {Kind} {Namespace}/{Name}", reason, regarding.Kind, @namespace, regarding.Name);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, recorded) in _recent.Where(entry => now - entry.Value.FirstSeen > SeriesWindow).ToList())
        {
            _recent.Remove(key);
        }
    }

    // The API limits note to 1 kB.
    private static string Truncate(string note) => note.Length <= 1024 ? note : note[..1021] + "...";

    private sealed record EventKey(string Uid, string Kind, string Namespace, string Name, string Type, string Reason, string Action, string Note);

    private sealed record RecordedEvent(string Name, DateTimeOffset FirstSeen, int Count);
}
