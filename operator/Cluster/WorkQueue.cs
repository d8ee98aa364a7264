namespace ImageRec.Operator.Cluster;

/// <summary>
/// The rate-limited work queue of client-go (k8s.io/client-go/util/workqueue), which the .NET
/// Kubernetes client lacks (an operator SDK such as KubeOps, not served to this build, or a work queue
/// in the client would replace it): a key added several times before a worker takes it is worked on once; a
/// key is never handed out while a worker holds it, and one re-added meanwhile is handed out again
/// after <see cref="Done"/>; <see cref="AddRateLimited"/> retries a failed key after a per-key
/// exponential back-off (client-go's ItemExponentialFailureRateLimiter: base × 2^failures, capped),
/// which <see cref="Forget"/> resets. Delays run on the given <see cref="TimeProvider"/>.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    /// <summary>client-go's DefaultControllerRateLimiter starts at 5 ms and stops doubling at 1000 s.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);

    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(1000);

    private readonly TimeProvider _time;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly Lock _lock = new();
    private readonly Queue<TKey> _ready = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly HashSet<ITimer> _delayed = [];
    private readonly SemaphoreSlim _available = new(0);
    private bool _shutDown;
    private bool _disposed;

    public WorkQueue(TimeProvider time, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        _time = time;
        _baseDelay = baseDelay ?? DefaultBaseDelay;
        _maxDelay = maxDelay ?? DefaultMaxDelay;
    }

    /// <summary>Keys waiting to be taken (not those in flight or waiting out a back-off).</summary>
    public int Count
    {
        get { lock (_lock) return _ready.Count; }
    }

    /// <summary>Queues the key unless it is queued already; a key in flight is queued again when its worker is done.</summary>
    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (_shutDown || !_dirty.Add(key) || _processing.Contains(key)) return;
            _ready.Enqueue(key);
            Signal();
        }
    }

    /// <summary>Adds the key after its back-off and doubles the next one.</summary>
    public void AddRateLimited(TKey key) => AddAfter(key, NextDelay(key));

    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            if (_shutDown) return;
            ITimer? timer = null;
            timer = _time.CreateTimer(_ =>
            {
                lock (_lock) _delayed.Remove(timer!);
                timer!.Dispose();
                Add(key);
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _delayed.Add(timer);
            // Armed only once registered, so the callback always finds it.
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The key succeeded: its next failure starts the back-off from the base delay again.</summary>
    public void Forget(TKey key)
    {
        lock (_lock) _failures.Remove(key);
    }

    /// <summary>How many times in a row the key was retried with <see cref="AddRateLimited"/>.</summary>
    public int Failures(TKey key)
    {
        lock (_lock) return _failures.GetValueOrDefault(key);
    }

    /// <summary>Waits for a key no worker holds and marks it in flight; call <see cref="Done"/> when finished with it.</summary>
    public async Task<TKey> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (_ready.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return key;
                }
            }
        }
    }

    /// <summary>The worker finished with the key; if it was added meanwhile it is queued again now.</summary>
    public void Done(TKey key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (_shutDown || !_dirty.Contains(key)) return;
            _ready.Enqueue(key);
            Signal();
        }
    }

    /// <summary>Drops pending back-offs and accepts no more keys.</summary>
    public void ShutDown()
    {
        List<ITimer> timers;
        lock (_lock)
        {
            _shutDown = true;
            timers = [.. _delayed];
            _delayed.Clear();
        }
        foreach (var timer in timers) timer.Dispose();
    }

    public void Dispose()
    {
        ShutDown();
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _available.Dispose();
        }
    }

    // Under the lock, as Dispose is: a back-off timer that fired just as the queue was disposed (its callback may be
    // running on a timer thread already) must not release a disposed semaphore — an unhandled exception there ends the process.
    private void Signal()
    {
        if (!_disposed) _available.Release();
    }

    private TimeSpan NextDelay(TKey key)
    {
        lock (_lock)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            // 2^failures overflows long before the cap matters; stop doubling once past it.
            var ticks = failures >= 62 ? long.MaxValue : _baseDelay.Ticks * Math.Pow(2, failures);
            return ticks >= _maxDelay.Ticks ? _maxDelay : TimeSpan.FromTicks((long)ticks);
        }
    }
}
