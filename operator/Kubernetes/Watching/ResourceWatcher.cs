using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// An informer: lists, then watches from the list's resourceVersion, keeping a cache of the objects and
/// telling which keys (<c>namespace/name</c>) changed. Resumes each watch from the last resourceVersion
/// seen (bookmarks included), relists when that version expired (410 Gone), and backs off on errors
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
/// The cache keeps JSON, so every read returns a fresh object that callers may change freely.
/// </summary>
public sealed class ResourceWatcher<T> where T : class
{
    private readonly IKubernetesClient _client;
    private readonly KubernetesResource<T> _resource;
    private readonly string? _namespace;
    private readonly ResourceWatcherOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConcurrentDictionary<string, CachedObject> _cache = new(StringComparer.Ordinal);
    private string? _resourceVersion;

    public ResourceWatcher(
        IKubernetesClient client,
        KubernetesResource<T> resource,
        string? @namespace,
        ResourceWatcherOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        _client = client;
        _resource = resource;
        _namespace = @namespace;
        _options = options ?? new ResourceWatcherOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Keys of objects that were added, changed or deleted (repeats possible; readers de-duplicate).</summary>
    public ChannelReader<string> Changes => _changes.Reader;

    /// <summary>True once the first list is in the cache.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The resourceVersion the next watch resumes from.</summary>
    public string? LastResourceVersion => Volatile.Read(ref _resourceVersion);

    /// <summary>How many times the collection was listed (the first time and after each 410).</summary>
    public int ListCount { get; private set; }

    public int Count => _cache.Count;

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>The cache key of an object: <c>namespace/name</c>, or <c>name</c> when cluster-scoped.</summary>
    public static string KeyOf(string? @namespace, string name) => string.IsNullOrEmpty(@namespace) ? name : $"{@namespace}/{name}";

    /// <summary>A fresh copy of the cached object, or null.</summary>
    public T? Get(string? @namespace, string name) => Get(KeyOf(@namespace, name));

    public T? Get(string key) => _cache.TryGetValue(key, out var cached) ? Materialize(cached) : null;

    /// <summary>Fresh copies of every cached object.</summary>
    public IReadOnlyList<T> List() => _cache.Values.Select(Materialize).ToList();

    /// <summary>Lists and watches until cancelled; completes <see cref="Changes"/> when it stops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needsList = true;
        var backoff = _options.InitialBackoff;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (needsList)
                    {
                        await ListAsync(cancellationToken).ConfigureAwait(false);
                        needsList = false;
                    }

                    await foreach (var change in _client.WatchAsync(_resource, _namespace, LastResourceVersion, _options.LabelSelector,
                        allowBookmarks: true, _options.WatchTimeoutSeconds, cancellationToken).ConfigureAwait(false))
                    {
                        Apply(change);
                        backoff = _options.InitialBackoff;
                    }

                    // The server ended the watch (timeoutSeconds): resume from the last version seen.
                }
                catch (ResourceVersionExpiredException e)
                {
                    _logger.LogInformation("Watch of {Resource} from resourceVersion {ResourceVersion} expired ({Message}); relisting",
                        _resource, LastResourceVersion, e.Status?.Message);
                    needsList = true;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    _logger.LogWarning(e, "Watching {Resource} failed; retrying in {Backoff}", _resource, backoff);
                    await Task.Delay(backoff, _timeProvider, cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _changes.Writer.TryComplete();
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var list = await _client.ListAsync(_resource, _namespace, _options.LabelSelector, cancellationToken).ConfigureAwait(false);
        ListCount++;
        var listed = list.Items.Select(Serialize).ToList();
        var fresh = new ConcurrentDictionary<string, CachedObject>(StringComparer.Ordinal);
        foreach (var cached in listed)
        {
            fresh[cached.Key] = cached;
        }

        var previous = _cache;
        _cache = fresh;
        Volatile.Write(ref _resourceVersion, list.Metadata.ResourceVersion);
        // After a relist only real differences are news: new, changed, or vanished while we were not watching.
        foreach (var cached in listed)
        {
            if (!previous.TryGetValue(cached.Key, out var old) || old.ResourceVersion != cached.ResourceVersion)
            {
                _changes.Writer.TryWrite(cached.Key);
            }
        }

        foreach (var key in previous.Keys.Where(key => !fresh.ContainsKey(key)))
        {
            _changes.Writer.TryWrite(key);
        }

        _logger.LogDebug("Listed {Count} {Resource} at resourceVersion {ResourceVersion}", fresh.Count, _resource, list.Metadata.ResourceVersion);
        _synced.TrySetResult();
    }

    private void Apply(WatchEvent<T> change)
    {
        if (change.Type != WatchEventType.Bookmark)
        {
            var cached = Serialize(change.Object);
            if (change.Type == WatchEventType.Deleted)
            {
                _cache.TryRemove(cached.Key, out _);
            }
            else
            {
                _cache[cached.Key] = cached;
            }

            _changes.Writer.TryWrite(cached.Key);
        }

        if (!string.IsNullOrEmpty(change.ResourceVersion))
        {
            Volatile.Write(ref _resourceVersion, change.ResourceVersion);
        }
    }

    private CachedObject Serialize(T item)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(item, _resource.TypeInfo);
        // Read the identity from the JSON so any entity type works, whether or not it implements IKubernetesObject.
        var reader = new Utf8JsonReader(json);
        var metadata = JsonSerializer.Deserialize(ref reader, KubernetesJsonContext.Default.PartialObjectMetadata)?.Metadata;
        var name = metadata?.Name ?? throw new InvalidOperationException($"A {_resource} object without metadata.name.");
        return new CachedObject(KeyOf(metadata.Namespace, name), metadata.ResourceVersion, json);
    }

    private T Materialize(CachedObject cached) => JsonSerializer.Deserialize(cached.Json, _resource.TypeInfo)!;

    private sealed record CachedObject(string Key, string? ResourceVersion, byte[] Json);
}
