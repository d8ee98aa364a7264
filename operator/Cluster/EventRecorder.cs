using System.Globalization;
using k8s;
using k8s.Models;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// Writes events.k8s.io/v1 Events (<see cref="Eventsv1Event"/>) through the Kubernetes client: what
/// `kubectl describe` and `kubectl events` show. The .NET client has no event recorder (client-go's
/// tools/events would replace this one), so this thin one keeps client-go's de-duplication: the same
/// event repeated within <see cref="SeriesWindow"/> updates the first one's series {count,
/// lastObservedTime} with a merge patch instead of creating another object. Recording is best
/// effort: failures are logged, never thrown.
/// </summary>
public sealed class EventRecorder(IKubernetes client, string reportingInstance, TimeProvider time, ILogger<EventRecorder> logger)
{
    public const string ReportingController = "imagerec.io/operator";
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    private readonly Lock _lock = new();
    private readonly Dictionary<EventKey, RecordedEvent> _recent = [];

    /// <summary>How long a repeat joins the earlier event's series.</summary>
    public TimeSpan SeriesWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A reference to <paramref name="obj"/> for <c>regarding</c>.</summary>
    public static V1ObjectReference ReferenceTo(IKubernetesObject<V1ObjectMeta> obj) => new()
    {
        ApiVersion = obj.ApiVersion, Kind = obj.Kind, NamespaceProperty = obj.Metadata?.NamespaceProperty,
        Name = obj.Metadata?.Name, Uid = obj.Metadata?.Uid, ResourceVersion = obj.Metadata?.ResourceVersion,
    };

    public async Task RecordAsync(V1ObjectReference regarding, string type, string reason, string action, string note, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var @namespace = string.IsNullOrEmpty(regarding.NamespaceProperty) ? "default" : regarding.NamespaceProperty;
        var key = new EventKey(regarding.Uid ?? "", regarding.Kind ?? "", @namespace, regarding.Name ?? "", type, reason, action, note);
        RecordedEvent? earlier;
        lock (_lock)
        {
            foreach (var expired in _recent.Where(entry => now - entry.Value.FirstSeen > SeriesWindow).Select(entry => entry.Key).ToList())
                _recent.Remove(expired);
            _recent.TryGetValue(key, out earlier);
        }

        try
        {
            if (earlier is not null)
            {
                var count = earlier.Count + 1;
                var patch = $$$"""{"series":{"count":{{{count}}},"lastObservedTime":"{{{MicroTime(now)}}}"}}""";
                await client.EventsV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), earlier.Name, @namespace,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                lock (_lock) _recent[key] = earlier with { Count = count };
                return;
            }

            var name = $"{regarding.Name}.{(now.ToUnixTimeMilliseconds() * 1_000_000).ToString("x", CultureInfo.InvariantCulture)}";
            var created = await client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
            {
                ApiVersion = $"{Eventsv1Event.KubeGroup}/{Eventsv1Event.KubeApiVersion}",
                Kind = Eventsv1Event.KubeKind,
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
                EventTime = now.UtcDateTime,
                ReportingController = ReportingController,
                ReportingInstance = reportingInstance,
                Regarding = regarding,
                Type = type,
                Reason = reason,
                Action = action,
                Note = Truncate(note),
            }, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            lock (_lock) _recent[key] = new RecordedEvent(created.Metadata?.Name ?? name, now, Count: 1);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // An event that expired on the server (its TTL is an hour by default) starts a new series next time.
            if (earlier is not null && e.IsNotFound())
                lock (_lock) _recent.Remove(key);
            logger.LogWarning("Could not record event {Reason} on {Kind} {Namespace}/{Name}: {Error}", reason, regarding.Kind, @namespace, regarding.Name, e.Message);
        }
    }

    // metav1.MicroTime: RFC 3339 with microseconds.
    private static string MicroTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    // The API limits note to 1 kB.
    private static string Truncate(string note) => note.Length <= 1024 ? note : note[..1021] + "...";

    private sealed record EventKey(string Uid, string Kind, string Namespace, string Name, string Type, string Reason, string Action, string Note);

    private sealed record RecordedEvent(string Name, DateTimeOffset FirstSeen, int Count);
}
