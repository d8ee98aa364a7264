using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// An informer, which the .NET Kubernetes client does not have (an informer in the client, or
/// KubeOps' resource watcher if it were served to this build, would replace it; client-go's
/// SharedInformer is the model): lists, then watches from the list's resourceVersion through the client's watch calls,
/// keeping a cache of the objects. Each watch resumes from the last resourceVersion seen, bookmarks
/// included; a 410 Gone (an ERROR event or an HTTP 410) relists; transport errors back off and retry
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
/// The cache keeps JSON, so every read is a fresh copy callers may change freely. Handlers get each
/// added, changed or deleted object with its previous state (<see cref="InformerChange{T}"/>), repeats possible.
/// </summary>
public sealed class Informer<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>One list call: the items and the list's resourceVersion.</summary>
    public delegate Task<(IEnumerable<T> Items, string? ResourceVersion)> ListCall(CancellationToken cancellationToken);

    /// <summary>One watch call from <paramref name="resourceVersion"/>, with bookmarks; ERROR events go to <paramref name="onError"/>.</summary>
    public delegate IAsyncEnumerable<(WatchEventType Type, T Object)> WatchCall(
        string? resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken);

    private readonly string _what;
    private readonly ListCall _list;
    private readonly WatchCall _watch;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<Action<InformerChange<T>>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConcurrentDictionary<string, CachedObject> _cache = new(StringComparer.Ordinal);
    private string? _resourceVersion;
    private int _listCount;

    public Informer(string what, ListCall list, WatchCall watch, TimeProvider time, ILogger logger, InformerOptions? options = null)
    {
        _what = what;
        _list = list;
        _watch = watch;
        _time = time;
        _logger = logger;
        _options = options ?? new InformerOptions();
    }

    /// <summary>True once the first list is in the cache.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The resourceVersion the next watch resumes from.</summary>
    public string? LastResourceVersion => Volatile.Read(ref _resourceVersion);

    /// <summary>How many times the collection was listed (the first time and after each 410).</summary>
    public int ListCount => Volatile.Read(ref _listCount);

    public int Count => _cache.Count;

    /// <summary>The cache key of an object: <c>namespace/name</c>, or <c>name</c> when cluster-scoped.</summary>
    public static string KeyOf(string? @namespace, string name) => string.IsNullOrEmpty(@namespace) ? name : $"{@namespace}/{name}";

    /// <summary>Called (on the informer's loop) for every object added, changed or deleted. Register before <see cref="RunAsync"/>.</summary>
    public void OnChange(Action<InformerChange<T>> handler) => _handlers.Add(handler);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>A fresh copy of the cached object, or null.</summary>
    public T? Get(string? @namespace, string name) => Get(KeyOf(@namespace, name));

    public T? Get(string key) => _cache.TryGetValue(key, out var cached) ? Copy(cached) : null;

    /// <summary>Fresh copies of every cached object.</summary>
    public IReadOnlyList<T> List() => _cache.Values.Select(Copy).ToList();

    /// <summary>Lists and watches until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needsList = true;
        var backoff = _options.InitialBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            var justListed = false;
            try
            {
                if (needsList)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    needsList = false;
                    justListed = true;
                }

                Exception? streamError = null;
                await foreach (var (type, obj) in _watch(LastResourceVersion, _options.WatchTimeoutSeconds, e => streamError ??= e, cancellationToken)
                    .ConfigureAwait(false))
                {
                    Apply(type, obj);
                    backoff = _options.InitialBackoff;
                }

                // The server ended the watch: after its timeout resume from the last version seen, after a 410 relist.
                if (streamError is not null) throw streamError;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e.IsGone() && !justListed)
            {
                _logger.LogInformation("Watch of {Resource} from resourceVersion {ResourceVersion} expired; relisting", _what, LastResourceVersion);
                needsList = true;
            }
            catch (Exception e) when (e.IsGone())
            {
                // The version just listed is already gone: relisting at once would list in a tight loop (hundreds of
                // lists a second against a server answering every watch 410), so back off as for any other error.
                _logger.LogWarning("Watch of {Resource} expired right after listing; relisting in {Backoff}", _what, backoff);
                needsList = true;
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
            catch (Exception e)
            {
                _logger.LogWarning("Watching {Resource} failed ({Error}); retrying in {Backoff}", _what, e.Message, backoff);
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var (items, resourceVersion) = await _list(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _listCount);
        var listed = items.Select(TrySerialize).OfType<CachedObject>().ToList();
        var fresh = new ConcurrentDictionary<string, CachedObject>(listed.Select(c => KeyValuePair.Create(c.Key, c)), StringComparer.Ordinal);
        var previous = _cache;
        _cache = fresh;
        Volatile.Write(ref _resourceVersion, resourceVersion);
        // After a relist only real differences are news: new, changed, or vanished while we were not watching.
        foreach (var cached in listed)
        {
            previous.TryGetValue(cached.Key, out var old);
            if (old is null || old.ResourceVersion != cached.ResourceVersion) Notify(old, cached, deleted: false);
        }
        foreach (var vanished in previous.Values.Where(old => !fresh.ContainsKey(old.Key))) Notify(vanished, vanished, deleted: true);

        _logger.LogDebug("Listed {Count} {Resource} at resourceVersion {ResourceVersion}", fresh.Count, _what, resourceVersion);
        _synced.TrySetResult();
    }

    private void Apply(WatchEventType type, T obj)
    {
        if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
        {
            if (TrySerialize(obj) is { } cached)
            {
                _cache.TryGetValue(cached.Key, out var old);
                if (type == WatchEventType.Deleted) _cache.TryRemove(cached.Key, out _);
                else _cache[cached.Key] = cached;
                Notify(old, cached, deleted: type == WatchEventType.Deleted);
            }
        }

        // Past a skipped object too: resuming before it would meet it again, and the watch would never get further.
        if (obj.Metadata?.ResourceVersion is { Length: > 0 } version) Volatile.Write(ref _resourceVersion, version);
    }

    private CachedObject? TrySerialize(T obj)
    {
        try
        {
            return Serialize(obj);
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or NotSupportedException)
        {
            _logger.LogError("Skipping a {Resource} at resourceVersion {ResourceVersion}: {Error}", _what, obj.Metadata?.ResourceVersion, e.Message);
            return null;
        }
    }

    private void Notify(CachedObject? previous, CachedObject cached, bool deleted)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                handler(new InformerChange<T>(previous is null ? null : Copy(previous), Copy(cached), deleted));
            }
            catch (Exception e)
            {
                // A handler's bug must not stop the cache from following the server.
                _logger.LogError(e, "A change handler for {Resource} {Key} failed", _what, cached.Key);
            }
        }
    }

    private static CachedObject Serialize(T obj)
    {
        var name = obj.Metadata?.Name ?? throw new InvalidOperationException($"A {typeof(T).Name} without metadata.name.");
        return new CachedObject(KeyOf(obj.Metadata.NamespaceProperty, name), obj.Metadata.ResourceVersion, KubernetesJson.Serialize(obj));
    }

    private static T Copy(CachedObject cached) => KubernetesJson.Deserialize<T>(cached.Json);

    private sealed record CachedObject(string Key, string? ResourceVersion, string Json);
}
