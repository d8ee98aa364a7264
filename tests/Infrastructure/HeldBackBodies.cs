using System.Collections.Concurrent;
using System.Net;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// Request bodies that are sent but for their last bytes, which <see cref="SendLastBytesAsync"/> then writes in one
/// loop: the server sees the requests end together, for tests of what it does with truly concurrent requests.
/// </summary>
public sealed class HeldBackBodies(int count) : IDisposable
{
    private readonly ConcurrentQueue<(Stream Stream, byte Last, TaskCompletionSource Sent)> _held = new();
    private readonly SemaphoreSlim _ready = new(0);

    /// <summary>One of the <c>count</c> bodies; each must be sent before <see cref="SendLastBytesAsync"/> can finish.</summary>
    public HttpContent Body(byte[] bytes) => new Content(this, bytes);

    /// <summary>Waits for every body to be held, then writes all the last bytes in one loop.</summary>
    public async Task SendLastBytesAsync(TimeSpan timeout)
    {
        for (var i = 0; i < count; i++)
        {
            if (!await _ready.WaitAsync(timeout)) throw new TimeoutException($"only {i} of {count} requests sent their bodies within {timeout}");
        }
        var held = _held.ToArray();
        await Task.WhenAll(held.Select(h => h.Stream.WriteAsync(new[] { h.Last }).AsTask()));
        foreach (var item in held) item.Sent.SetResult();
    }

    public void Dispose() => _ready.Dispose();

    private sealed class Content(HeldBackBodies owner, byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length - 1));
            await stream.FlushAsync();
            var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            owner._held.Enqueue((stream, bytes[^1], sent));
            owner._ready.Release();
            await sent.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
