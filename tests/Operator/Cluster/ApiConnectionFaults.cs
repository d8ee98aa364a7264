using System.Net.Sockets;

namespace ImageRec.Tests.Operator.Cluster;

/// <summary>
/// Sits between the Kubernetes client and the network so a test can break the connection to the API
/// server: <see cref="Refuse"/> fails every new request as a refused connection does; <see cref="HoldWatches"/>
/// keeps new watch requests waiting (a watch that cannot reconnect) until <see cref="ReleaseWatches"/>.
/// </summary>
internal sealed class ApiConnectionFaults : DelegatingHandler
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _watchGate;
    private volatile bool _refuse;

    public bool Refuse
    {
        get => _refuse;
        set => _refuse = value;
    }

    /// <summary>How many watch requests are waiting at the gate now.</summary>
    public int HeldWatches => Volatile.Read(ref _held);

    private int _held;

    public void HoldWatches()
    {
        lock (_lock) _watchGate ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseWatches()
    {
        TaskCompletionSource? gate;
        lock (_lock) (gate, _watchGate) = (_watchGate, null);
        gate?.TrySetResult();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_refuse) throw new HttpRequestException("Connection refused (injected)", new SocketException((int)SocketError.ConnectionRefused));
        Task? gate;
        lock (_lock) gate = request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) == true ? _watchGate?.Task : null;
        if (gate is not null)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await gate.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
