using System.Text.Json.Nodes;

namespace ImageRec.WebTier.Pool;

/// <summary>What <c>GET /v1/pool</c> answers: the pool's workers and queue as the operator last saw them.</summary>
/// <param name="QueueDepth">Messages waiting in the request queue.</param>
/// <param name="QueueInFlight">Messages received by a worker and not yet done.</param>
public sealed record PoolStatus(
    string Name,
    int Replicas,
    int ReadyReplicas,
    int DesiredReplicas,
    long QueueDepth,
    long QueueInFlight,
    int MinReplicas,
    int MaxReplicas,
    IReadOnlyList<PoolStatusCondition> Conditions,
    DateTimeOffset? ObservedAt)
{
    /// <summary>
    /// Reads the RecognitionPool document the operator serves (metadata, spec.scaling, status). The web
    /// tier does not reference the operator, so it picks the few fields it shows; missing ones read as 0.
    /// </summary>
    public static PoolStatus FromRecognitionPool(JsonNode pool)
    {
        var status = pool["status"];
        var scaling = pool["spec"]?["scaling"];
        var queue = status?["queue"];
        return new PoolStatus(
            Name: (string?)pool["metadata"]?["name"] ?? "",
            Replicas: (int?)status?["replicas"] ?? 0,
            ReadyReplicas: (int?)status?["readyReplicas"] ?? 0,
            DesiredReplicas: (int?)status?["desiredReplicas"] ?? 0,
            QueueDepth: (long?)queue?["visible"] ?? 0,
            QueueInFlight: (long?)queue?["inFlight"] ?? 0,
            MinReplicas: (int?)scaling?["minReplicas"] ?? 0,
            MaxReplicas: (int?)scaling?["maxReplicas"] ?? 0,
            Conditions: (status?["conditions"] as JsonArray ?? []).OfType<JsonNode>().Select(c => new PoolStatusCondition(
                (string?)c["type"] ?? "", (string?)c["status"] ?? "Unknown", (string?)c["reason"] ?? "", (string?)c["message"] ?? "")).ToArray(),
            ObservedAt: queue?["observedAt"] is { } observed ? observed.GetValue<DateTimeOffset>() : null);
    }
}

public sealed record PoolStatusCondition(string Type, string Status, string Reason, string Message);
