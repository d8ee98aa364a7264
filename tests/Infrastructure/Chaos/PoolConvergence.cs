using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// Whether a RecognitionPool and its worker Deployment show what the queue asks for — read straight from
/// the API double's store, the way a user's kubectl would see them:
/// <list type="bullet">
/// <item>exactly one Deployment controlled by the pool (ownerReference with controller: true), asking for the expected replicas;</item>
/// <item>status.observedGeneration is the pool's generation, and replicas, readyReplicas and desiredReplicas are the expected count;</item>
/// <item>status.queue.visible is the queue's visible count;</item>
/// <item>conditions Ready=True, QueueReachable=True and Scaling=False, each observed at the pool's generation.</item>
/// </list>
/// </summary>
public static class PoolConvergence
{
    private static readonly ResourceType Deployments = BuiltInResourceTypes.All.Single(t => t.Group == "apps" && t.Plural == "deployments");

    /// <summary>The RecognitionPool resource, served once its CRD is installed.</summary>
    public static ResourceType Pools(KubernetesApiServer server) =>
        server.Catalog.Find("imagerec.io", "v1alpha1", "recognitionpools") ?? throw new InvalidOperationException("the RecognitionPool CRD is not installed");

    /// <summary>What differs from the converged state, or null when there is nothing.</summary>
    public static string? Difference(KubernetesApiServer server, string ns, string pool, int replicas, long visible)
    {
        var obj = server.Store.Get(Pools(server), ns, pool);
        var generation = JsonNumber.Of(obj["metadata"]!["generation"]) ?? 0;
        var uid = obj["metadata"]!["uid"]!.GetValue<string>();
        var differences = new List<string>();

        var owned = server.Store.List(Deployments, new ObjectFilter(Deployments.Group, Deployments.Plural, ns, LabelSelector.Everything, FieldSelector.Parse(null))).Items
            .Where(d => d["metadata"]?["ownerReferences"] is JsonArray owners
                && owners.Any(o => o?["uid"]?.GetValue<string>() == uid && o["controller"]?.GetValue<bool>() == true))
            .ToList();
        if (owned.Count != 1)
            differences.Add($"{owned.Count} Deployments controlled by the pool");
        else if (Int(owned[0]["spec"]?["replicas"]) is var asked && asked != replicas)
            differences.Add($"Deployment asks for {asked?.ToString() ?? "default"} replicas");

        var status = obj["status"] as JsonObject;
        Expect(differences, "status.observedGeneration", JsonNumber.Of(status?["observedGeneration"]), generation);
        Expect(differences, "status.replicas", Int(status?["replicas"]), replicas);
        Expect(differences, "status.readyReplicas", Int(status?["readyReplicas"]), replicas);
        Expect(differences, "status.desiredReplicas", Int(status?["desiredReplicas"]), replicas);
        Expect(differences, "status.queue.visible", JsonNumber.Of(status?["queue"]?["visible"]), visible);
        foreach (var (type, wanted) in new[] { ("Ready", "True"), ("QueueReachable", "True"), ("Scaling", "False") })
        {
            var condition = (status?["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == type);
            if (condition is null)
            {
                differences.Add($"no {type} condition");
                continue;
            }
            var actual = condition["status"]?.GetValue<string>();
            if (actual != wanted)
                differences.Add($"{type}={actual} ({condition["reason"]}: {condition["message"]})");
            Expect(differences, $"{type}.observedGeneration", JsonNumber.Of(condition["observedGeneration"]), generation);
        }
        return differences.Count == 0 ? null : $"{pool} (generation {generation}, {replicas} replicas wanted): {string.Join("; ", differences)}";
    }

    private static void Expect<T>(List<string> differences, string what, T? actual, T wanted) where T : struct, IEquatable<T>
    {
        if (actual is not { } value || !value.Equals(wanted)) differences.Add($"{what} {actual?.ToString() ?? "unset"}, not {wanted}");
    }

    private static int? Int(JsonNode? node) => (int?)JsonNumber.Of(node);
}
