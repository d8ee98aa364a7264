using System.Globalization;
using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The double's etcd and registry in one: schema-agnostic JSON objects, one global monotonically increasing
/// resourceVersion, the object semantics of https://kubernetes.io/docs/reference/using-api/api-concepts/
/// (uid, creationTimestamp, optimistic concurrency, metadata.generation counting spec changes, the status
/// subresource, finalizers and deletionTimestamp, ownerReference garbage collection) and a bounded watch history.
/// Every operation runs under one lock: simple and linearizable, plenty for tests.
/// </summary>
public sealed class ObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<StorageKey, JsonObject> _objects = [];
    private readonly LinkedList<StoredEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly ResourceCatalog _catalog;
    private readonly int _historyCapacity;
    private long _resourceVersion;
    private long _oldestWatchable;

    public ObjectStore(ResourceCatalog catalog, int historyCapacity)
    {
        _catalog = catalog;
        _historyCapacity = historyCapacity;
    }

    public long CurrentResourceVersion
    {
        get { lock (_gate) return _resourceVersion; }
    }

    public JsonObject Get(ResourceType type, string ns, string name)
    {
        lock (_gate) return View(type, Existing(type, Key(type, ns, name)));
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType type, ObjectFilter filter)
    {
        lock (_gate)
            return (_objects.Where(o => filter.Matches(o.Key, o.Value)).OrderBy(o => o.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(o => o.Key.Name, StringComparer.Ordinal).Select(o => View(type, o.Value)).ToList(), _resourceVersion);
    }

    public JsonObject Create(ResourceType type, string ns, JsonObject obj, WriteContext context)
    {
        lock (_gate) return View(type, CreateLocked(type, ns, obj, context, isApply: false));
    }

    /// <summary>PUT: replaces the object (or only its status through /status), refusing a stale metadata.resourceVersion.</summary>
    public JsonObject Update(ResourceType type, string ns, string name, JsonObject obj, WriteContext context)
    {
        var bodyName = obj["metadata"]?["name"]?.GetValue<string>();
        if (bodyName is not null && bodyName != name)
            throw KubernetesStatus.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        lock (_gate)
        {
            var key = Key(type, ns, name);
            var old = Existing(type, key);
            // Custom resources refuse unconditional updates (the real CR strategy); built-in kinds allow them.
            if (string.IsNullOrEmpty(obj["metadata"]?["resourceVersion"]?.GetValue<string>()) && type.DefinedByCrd is not null)
                throw KubernetesStatus.Invalid(type.Group, type.Kind, name, "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update");
            return View(type, CommitLocked(type, key, old, obj, context, isApply: false));
        }
    }

    /// <summary>Any non-apply PATCH: read, transform, write, under the lock so no concurrent write slips in between.</summary>
    public JsonObject Patch(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> patch, WriteContext context)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            var old = Existing(type, key);
            var patched = patch(View(type, old));
            return View(type, CommitLocked(type, key, old, patched, context, isApply: false));
        }
    }

    /// <summary>Server-side apply; <paramref name="authorizeCreate"/> runs when the object does not exist yet (apply that creates needs create rights).</summary>
    public JsonObject Apply(ResourceType type, string ns, string name, JsonObject applied, bool force, WriteContext context, Action authorizeCreate)
    {
        var appliedName = applied["metadata"]?["name"]?.GetValue<string>();
        if (appliedName != name)
            throw KubernetesStatus.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
        if (applied["kind"]?.GetValue<string>() is { } kind && kind != type.Kind)
            throw KubernetesStatus.BadRequest($"the kind of the applied object ({kind}) does not match the resource ({type.Kind})");
        lock (_gate)
        {
            var key = Key(type, ns, name);
            _objects.TryGetValue(key, out var live);
            var request = new ServerSideApply.Request(context.Manager, force, context.Subresource, type.HasStatus, type.ApiVersion, Now());
            if (live is null)
            {
                if (context.Subresource is not null) throw KubernetesStatus.NotFound(type.Group, type.Plural, name);
                authorizeCreate();
                var created = ServerSideApply.Apply(null, applied, request);
                created["metadata"]!["name"] = name;
                return View(type, CreateLocked(type, ns, created, context, isApply: true));
            }
            var precondition = applied["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(precondition) && precondition != ResourceVersionOf(live))
                throw KubernetesStatus.StaleResourceVersion(type.Group, type.Plural, name);
            var merged = ServerSideApply.Apply(live, applied, request);
            return View(type, CommitLocked(type, key, live, merged, context, isApply: true));
        }
    }

    public JsonObject Delete(ResourceType type, string ns, string name, DeleteOptions options)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            var old = Existing(type, key);
            if (options.PreconditionUid is { } uid && uid != old["metadata"]?["uid"]?.GetValue<string>())
                throw KubernetesStatus.PreconditionFailed(type.Group, type.Plural, name,
                    $"Precondition failed: UID in precondition: {uid}, UID in object meta: {old["metadata"]?["uid"]}");
            if (options.PreconditionResourceVersion is { } rv && rv != ResourceVersionOf(old))
                throw KubernetesStatus.PreconditionFailed(type.Group, type.Plural, name,
                    $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {ResourceVersionOf(old)}");
            if (options.DryRun) return View(type, old);
            return View(type, DeleteLocked(key, old, options.PropagationPolicy == "Orphan"));
        }
    }

    public WatchSubscription Watch(ResourceType type, ObjectFilter filter, string? resourceVersion, bool bookmarks)
    {
        lock (_gate)
        {
            var subscription = new WatchSubscription(type, filter, bookmarks, Unsubscribe);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                // "Get State and Start at Most Recent": synthetic ADDED events for what exists now.
                foreach (var (key, obj) in _objects.Where(o => filter.Matches(o.Key, o.Value)).OrderBy(o => ResourceVersionNumber(o.Value)))
                    subscription.OfferInitial(obj);
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                    throw KubernetesStatus.BadRequest($"resourceVersion: Invalid value: \"{resourceVersion}\": must be a non-negative integer");
                if (from < _oldestWatchable)
                {
                    subscription.Fail(KubernetesStatus.Expired(from, _oldestWatchable));
                    return subscription;
                }
                foreach (var change in _history.Where(e => e.ResourceVersion > from)) subscription.Offer(change);
            }
            _watchers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Forgets the watch history, as etcd compaction does: watches from older resourceVersions get 410 Gone (Expired).</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _oldestWatchable = _resourceVersion;
        }
    }

    /// <summary>Sends every watch that asked for them (allowWatchBookmarks=true) a BOOKMARK at the current resourceVersion.</summary>
    public void TriggerBookmarks()
    {
        lock (_gate)
            foreach (var watcher in _watchers.Where(w => w.WantsBookmarks)) watcher.Bookmark(_resourceVersion);
    }

    public void CloseAllWatches()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers) watcher.Close();
            _watchers.Clear();
        }
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate) _watchers.Remove(subscription);
    }

    private JsonObject CreateLocked(ResourceType type, string ns, JsonObject obj, WriteContext context, bool isApply)
    {
        var next = Normalize(obj);
        next["apiVersion"] = type.ApiVersion;
        next["kind"] = type.Kind;
        var metadata = next["metadata"] as JsonObject ?? new JsonObject();
        next["metadata"] = metadata;
        var name = metadata["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) && metadata["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
            metadata["name"] = name = prefix + RandomSuffix();
        if (string.IsNullOrEmpty(name))
            throw KubernetesStatus.Invalid(type.Group, type.Kind, "", "metadata.name", "Required value: name or generateName is required");
        var bodyNamespace = metadata["namespace"]?.GetValue<string>();
        if (type.Namespaced && !string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != ns)
            throw KubernetesStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        if (type.Namespaced) metadata["namespace"] = ns;
        else metadata.Remove("namespace");
        var key = Key(type, ns, name);
        if (_objects.ContainsKey(key)) throw KubernetesStatus.AlreadyExists(type.Group, type.Plural, name);
        if (type.Namespaced && !_objects.ContainsKey(new StorageKey("", "namespaces", "", ns)))
            throw KubernetesStatus.NotFound("", "namespaces", ns);

        var now = Now();
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = now;
        foreach (var serverOwned in new[] { "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink" })
            metadata.Remove(serverOwned);
        if (type.TracksGeneration) metadata["generation"] = 1;
        // The status subresource's strategy resets status on create; the server fills it for the kinds it manages itself.
        if (type.HasStatus) next.Remove("status");
        ApplyKindRules(type, next, now);
        if (!isApply) { metadata.Remove("managedFields"); FieldManagement.RecordUpdate(null, next, context.Manager, type.ApiVersion, null, type.HasStatus, now); }
        if (context.DryRun) return next;

        metadata["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        _objects[key] = next = Normalize(next);
        Record(new StoredEvent(_resourceVersion, "ADDED", key, null, next));
        AfterWrite(type, next);
        return next;
    }

    private JsonObject CommitLocked(ResourceType type, StorageKey key, JsonObject old, JsonObject proposed, WriteContext context, bool isApply)
    {
        var expected = proposed["metadata"]?["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(expected) && expected != ResourceVersionOf(old))
            throw KubernetesStatus.StaleResourceVersion(type.Group, type.Plural, key.Name);

        JsonObject next;
        if (context.Subresource == "status")
        {
            // /status changes status only (and managedFields, which the write is recorded in).
            next = Normalize(old);
            if (proposed["status"] is { } status) next["status"] = status.DeepClone(); else next.Remove("status");
        }
        else
        {
            next = Normalize(proposed);
            // The main resource of a kind with a status subresource ignores status changes.
            if (type.HasStatus)
            {
                if (old["status"] is { } status) next["status"] = status.DeepClone(); else next.Remove("status");
            }
        }
        next["apiVersion"] = type.ApiVersion;
        next["kind"] = type.Kind;
        var metadata = next["metadata"] as JsonObject ?? new JsonObject();
        next["metadata"] = metadata;
        var oldMetadata = old["metadata"]!.AsObject();
        foreach (var serverOwned in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion" })
        {
            if (oldMetadata[serverOwned] is { } value) metadata[serverOwned] = value.DeepClone();
            else metadata.Remove(serverOwned);
        }
        if (isApply) metadata["managedFields"] = proposed["metadata"]?["managedFields"]?.DeepClone();
        else metadata["managedFields"] = oldMetadata["managedFields"]?.DeepClone();
        if (metadata["managedFields"] is null) metadata.Remove("managedFields");

        var now = Now();
        if (context.Subresource is null) ApplyKindRules(type, next, now);
        if (type.TracksGeneration && SpecChanged(type, old, next))
            metadata["generation"] = (oldMetadata["generation"]?.GetValue<long>() ?? 0) + 1;
        if (!isApply) FieldManagement.RecordUpdate(old, next, context.Manager, type.ApiVersion, context.Subresource, type.HasStatus, now);

        // A write that changes nothing (managedFields timestamps aside) is a no-op: no new resourceVersion, no event.
        if (JsonNode.DeepEquals(WithoutTimestamps(old), WithoutTimestamps(next))) return old;
        if (context.DryRun) return next;

        if (metadata["deletionTimestamp"] is not null && metadata["finalizers"] is not JsonArray { Count: > 0 })
            return DeleteLocked(key, next, orphan: false);
        metadata["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        _objects[key] = next = Normalize(next);
        Record(new StoredEvent(_resourceVersion, "MODIFIED", key, old, next));
        AfterWrite(type, next);
        return next;
    }

    /// <summary>Removes the object, or only marks it (deletionTimestamp) while finalizers remain; then collects its dependents.</summary>
    private JsonObject DeleteLocked(StorageKey key, JsonObject current, bool orphan)
    {
        var metadata = current["metadata"]!.AsObject();
        if (metadata["finalizers"] is JsonArray { Count: > 0 })
        {
            if (metadata["deletionTimestamp"] is not null) return current;
            var marked = (JsonObject)current.DeepClone();
            marked["metadata"]!["deletionTimestamp"] = Now();
            marked["metadata"]!["deletionGracePeriodSeconds"] = 0;
            marked["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
            var previous = _objects[key];
            _objects[key] = marked = Normalize(marked);
            Record(new StoredEvent(_resourceVersion, "MODIFIED", key, previous, marked));
            return marked;
        }

        var gone = (JsonObject)current.DeepClone();
        _objects.TryGetValue(key, out var stored);
        _objects.Remove(key);
        gone["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        Record(new StoredEvent(_resourceVersion, "DELETED", key, stored, gone));

        if (key is { Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions" })
        {
            var group = gone["spec"]?["group"]?.GetValue<string>();
            var plural = gone["spec"]?["names"]?["plural"]?.GetValue<string>();
            _catalog.RemoveCrdTypes(key.Name);
            foreach (var (dependentKey, dependent) in _objects.Where(o => o.Key.Group == group && o.Key.Resource == plural).ToList())
                DeleteLocked(dependentKey, dependent, orphan: false);
        }
        if (key is { Group: "", Resource: "namespaces" })
            foreach (var (dependentKey, dependent) in _objects.Where(o => o.Key.Namespace == key.Name).ToList())
                if (_objects.ContainsKey(dependentKey)) DeleteLocked(dependentKey, dependent, orphan: false);
        CollectDependents(gone["metadata"]?["uid"]?.GetValue<string>(), orphan);
        return gone;
    }

    /// <summary>
    /// Garbage collection, synchronous: a dependent whose owners (ownerReferences) are all gone is deleted;
    /// with Orphan the reference to the deleted owner is removed instead (https://kubernetes.io/docs/concepts/architecture/garbage-collection/).
    /// </summary>
    private void CollectDependents(string? ownerUid, bool orphan)
    {
        if (ownerUid is null) return;
        var liveUids = _objects.Values.Select(o => o["metadata"]?["uid"]?.GetValue<string>()).ToHashSet();
        foreach (var (key, obj) in _objects.ToList())
        {
            if (obj["metadata"]?["ownerReferences"] is not JsonArray owners) continue;
            var uids = owners.Select(o => o?["uid"]?.GetValue<string>()).ToList();
            if (!uids.Contains(ownerUid) || !_objects.ContainsKey(key)) continue;
            if (orphan)
            {
                var next = (JsonObject)obj.DeepClone();
                var kept = owners.Where(o => o?["uid"]?.GetValue<string>() != ownerUid).Select(o => o!.DeepClone()).ToArray();
                if (kept.Length == 0) next["metadata"]!.AsObject().Remove("ownerReferences");
                else next["metadata"]!["ownerReferences"] = new JsonArray(kept);
                next["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
                _objects[key] = next = Normalize(next);
                Record(new StoredEvent(_resourceVersion, "MODIFIED", key, obj, next));
            }
            else if (uids.All(uid => !liveUids.Contains(uid)))
                DeleteLocked(key, obj, orphan: false);
        }
    }

    /// <summary>What the server itself sets for some kinds: namespace phase and name label, CRD validation and established status.</summary>
    private static void ApplyKindRules(ResourceType type, JsonObject next, string now)
    {
        if (type == BuiltInResourceTypes.Namespaces || type.Plural == "namespaces" && type.Group.Length == 0)
        {
            var name = next["metadata"]!["name"]!.GetValue<string>();
            if (next["metadata"]!["labels"] is not JsonObject labels) next["metadata"]!["labels"] = labels = new JsonObject();
            labels["kubernetes.io/metadata.name"] = name;
            next["status"] ??= new JsonObject { ["phase"] = "Active" };
        }
        if (type.Group == "apiextensions.k8s.io" && type.Plural == "customresourcedefinitions")
        {
            CustomResourceDefinitions.Validate(next);
            next["status"] = CustomResourceDefinitions.EstablishedStatus(next, now);
        }
    }

    private void AfterWrite(ResourceType type, JsonObject written)
    {
        if (type.Group == "apiextensions.k8s.io" && type.Plural == "customresourcedefinitions")
            _catalog.SetCrdTypes(written["metadata"]!["name"]!.GetValue<string>(), CustomResourceDefinitions.TypesOf(written));
    }

    private void Record(StoredEvent change)
    {
        _history.AddLast(change);
        while (_history.Count > _historyCapacity)
        {
            _oldestWatchable = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }
        foreach (var watcher in _watchers) watcher.Offer(change);
    }

    /// <summary>Generation counts changes to anything but metadata (and status, where status is a subresource).</summary>
    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject next)
    {
        JsonObject Spec(JsonObject o)
        {
            var copy = (JsonObject)o.DeepClone();
            copy.Remove("metadata");
            copy.Remove("apiVersion");
            copy.Remove("kind");
            if (type.HasStatus) copy.Remove("status");
            return copy;
        }
        return !JsonNode.DeepEquals(Spec(old), Spec(next));
    }

    private static JsonObject WithoutTimestamps(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"]?["managedFields"] is JsonArray entries)
            foreach (var entry in entries.OfType<JsonObject>()) entry.Remove("time");
        return copy;
    }

    private JsonObject Existing(ResourceType type, StorageKey key) =>
        _objects.TryGetValue(key, out var obj) ? obj : throw KubernetesStatus.NotFound(type.Group, type.Plural, key.Name);

    private static StorageKey Key(ResourceType type, string ns, string name) => new(type.Group, type.Plural, type.Namespaced ? ns : "", name);

    /// <summary>A copy for the caller, in the version it asked through.</summary>
    private static JsonObject View(ResourceType type, JsonObject obj)
    {
        var copy = Normalize(obj);
        copy["apiVersion"] = type.ApiVersion;
        return copy;
    }

    /// <summary>
    /// A copy parsed from its own JSON text: every number then reads as any numeric type (a node built from an int
    /// refuses GetValue&lt;long&gt;), and no node is shared with the caller.
    /// </summary>
    internal static JsonObject Normalize(JsonObject obj) => JsonNode.Parse(obj.ToJsonString())!.AsObject();

    private static string? ResourceVersionOf(JsonObject obj) => obj["metadata"]?["resourceVersion"]?.GetValue<string>();

    private static long ResourceVersionNumber(JsonObject obj) => long.Parse(ResourceVersionOf(obj) ?? "0", CultureInfo.InvariantCulture);

    internal static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>generateName suffixes use the same alphabet as the real server (no vowels, no confusable digits).</summary>
    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return new string(Enumerable.Range(0, 5).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]).ToArray());
    }
}
