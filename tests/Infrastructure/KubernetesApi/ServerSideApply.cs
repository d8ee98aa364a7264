using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// Server-side apply (PATCH with application/apply-patch+yaml), after
/// https://kubernetes.io/docs/reference/using-api/server-side-apply/:
/// the applied configuration is the manager's whole intent. A field another manager owns with a different value is
/// a conflict (409, reason Conflict, "Apply failed with N conflict(s)…" naming the manager) unless force=true, which
/// takes the field over. Fields the manager applied before and leaves out now are removed, unless another manager
/// still owns them. Same values are shared ownership, not conflicts.
/// Simplified: lists are atomic (no merge keys), no schema-aware defaulting, nulls in the applied configuration set null.
/// </summary>
public static class ServerSideApply
{
    public sealed record Request(string Manager, bool Force, string? Subresource, bool HasStatus, string ApiVersion, string Now);

    /// <summary>The object after applying <paramref name="applied"/> to <paramref name="live"/> (null when creating), with managedFields updated.</summary>
    public static JsonObject Apply(JsonObject? live, JsonObject applied, Request request)
    {
        var managed = FieldManagement.ManagedBy(request.Subresource, request.HasStatus);
        var appliedFields = FieldSet.LeavesOf(applied, managed);
        var entries = ManagedFieldsEntry.ReadAll(live);
        var mine = entries.FirstOrDefault(e => e.IsSameManager(request.Manager, "Apply", request.Subresource));
        var others = entries.Where(e => e != mine).ToList();
        var result = (JsonObject)(live?.DeepClone() ?? new JsonObject { ["metadata"] = new JsonObject() });

        if (live is not null)
        {
            var conflicts = new List<(ManagedFieldsEntry Owner, FieldPath Path)>();
            foreach (var path in appliedFields.Paths)
                foreach (var owner in others)
                    foreach (var owned in owner.Fields.Paths.Where(p => p.Overlaps(path)).ToList())
                    {
                        var at = owned.Segments.Count < path.Segments.Count ? owned : path;
                        if (JsonNode.DeepEquals(at.ValueIn(live, out _), at.ValueIn(applied, out _))) continue;
                        if (request.Force) owner.Fields.Remove(owned);
                        else conflicts.Add((owner, path));
                    }
            if (conflicts.Count > 0) throw ConflictError(conflicts);

            // Fields this manager applied before and no longer does go away unless someone else still owns them.
            foreach (var dropped in mine?.Fields.Paths.Where(p => !appliedFields.Contains(p)).ToList() ?? [])
                if (!others.Any(o => o.Fields.OwnsOverlapping(dropped)) && !appliedFields.Paths.Any(p => p.Overlaps(dropped)))
                    dropped.RemoveFrom(result);
        }

        foreach (var path in appliedFields.Paths) Set(result, path, path.ValueIn(applied, out _)?.DeepClone());
        if (mine is null) entries.Add(mine = new ManagedFieldsEntry(request.Manager, "Apply", request.ApiVersion, request.Subresource, request.Now, appliedFields));
        mine.Fields = appliedFields;
        mine.Time = request.Now;
        mine.ApiVersion = request.ApiVersion;
        ManagedFieldsEntry.WriteAll(result, entries);
        return result;
    }

    private static void Set(JsonObject root, FieldPath path, JsonNode? value)
    {
        var node = root;
        foreach (var segment in path.Segments.Take(path.Segments.Count - 1))
        {
            if (node[segment] is not JsonObject next) node[segment] = next = new JsonObject();
            node = next;
        }
        node[path.Segments[^1]] = value;
    }

    /// <summary>The message and causes of the real server's NewConflictError.</summary>
    private static KubernetesApiException ConflictError(List<(ManagedFieldsEntry Owner, FieldPath Path)> conflicts)
    {
        var distinct = conflicts.DistinctBy(c => (c.Owner.Describe(), c.Path.Key)).ToList();
        var causes = new JsonArray([.. distinct.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with {c.Owner.Describe()}", ["field"] = c.Path.ToString(),
        })]);
        string message;
        if (distinct.Count == 1)
            message = $"Apply failed with 1 conflict: conflict with {distinct[0].Owner.Describe()}: {distinct[0].Path}";
        else
        {
            var lines = distinct.GroupBy(c => c.Owner.Describe()).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => new[] { $"conflicts with {g.Key}:" }.Concat(g.Select(c => $"- {c.Path}")));
            message = $"Apply failed with {distinct.Count} conflicts: {string.Join("\n", lines)}";
        }
        return KubernetesStatus.ApplyConflict(message, causes);
    }
}
