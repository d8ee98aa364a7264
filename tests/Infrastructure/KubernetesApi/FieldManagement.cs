using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// Keeps metadata.managedFields up to date for ordinary writes (create, update, patch): the writer becomes an
/// "Update" manager of every field it changed, and those fields leave every other manager
/// (https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management).
/// Simplified: managedFields sent by the client are ignored (the real server lets a client reset them).
/// </summary>
public static class FieldManagement
{
    private static readonly HashSet<string> ServerOwnedMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    /// <summary>Which fields a write through <paramref name="subresource"/> manages: status only through /status, everything else otherwise.</summary>
    public static Func<FieldPath, bool> ManagedBy(string? subresource, bool hasStatus) => path =>
    {
        var top = path.Segments[0];
        if (top is "apiVersion" or "kind") return false;
        if (top == "metadata") return path.Segments.Count < 2 || !ServerOwnedMetadata.Contains(path.Segments[1]);
        if (subresource == "status") return top == "status";
        return !(hasStatus && top == "status");
    };

    /// <summary>The manager name of a write: fieldManager, else the user agent's program name, as the real server derives it.</summary>
    public static string ManagerName(string? fieldManager, string? userAgent)
    {
        if (!string.IsNullOrEmpty(fieldManager)) return fieldManager;
        var agent = userAgent ?? "";
        var slash = agent.IndexOf('/');
        return slash > 0 ? agent[..slash] : agent.Length > 0 ? agent : "unknown";
    }

    public static void RecordUpdate(JsonObject? old, JsonObject updated, string manager, string apiVersion, string? subresource, bool hasStatus, string now)
    {
        var managed = ManagedBy(subresource, hasStatus);
        var entries = ManagedFieldsEntry.ReadAll(old);
        var newLeaves = FieldSet.LeavesOf(updated, managed);
        var oldLeaves = old is null ? new FieldSet() : FieldSet.LeavesOf(old, managed);
        var changed = newLeaves.Paths.Where(p => !JsonNode.DeepEquals(p.ValueIn(old, out _), p.ValueIn(updated, out _))
                                                 || !oldLeaves.Contains(p)).ToList();
        var removed = oldLeaves.Paths.Where(p => !newLeaves.Contains(p)).ToList();
        if (changed.Count == 0 && removed.Count == 0) { ManagedFieldsEntry.WriteAll(updated, entries); return; }
        foreach (var entry in entries)
            foreach (var path in entry.Fields.Paths.Where(p => changed.Concat(removed).Any(c => c.Overlaps(p))).ToList())
                entry.Fields.Remove(path);
        var mine = entries.FirstOrDefault(e => e.IsSameManager(manager, "Update", subresource));
        if (mine is null) entries.Add(mine = new ManagedFieldsEntry(manager, "Update", apiVersion, subresource, now, new FieldSet()));
        foreach (var path in changed) mine.Fields.Add(path);
        mine.Time = now;
        mine.ApiVersion = apiVersion;
        ManagedFieldsEntry.WriteAll(updated, entries);
    }
}
