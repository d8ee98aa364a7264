using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The parts of meta/v1 DeleteOptions the double honours: propagationPolicy (Orphan keeps dependents, anything else
/// deletes them synchronously once all their owners are gone), preconditions on uid and resourceVersion, dryRun.
/// </summary>
public sealed record DeleteOptions(string? PropagationPolicy = null, string? PreconditionUid = null, string? PreconditionResourceVersion = null, bool DryRun = false)
{
    public static DeleteOptions From(JsonObject? body, string? propagationQuery, bool dryRun) => new(
        propagationQuery ?? body?["propagationPolicy"]?.GetValue<string>(),
        body?["preconditions"]?["uid"]?.GetValue<string>(),
        body?["preconditions"]?["resourceVersion"]?.GetValue<string>(),
        dryRun || body?["dryRun"] is JsonArray { Count: > 0 });
}
