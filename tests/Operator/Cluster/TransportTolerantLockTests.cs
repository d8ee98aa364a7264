using System.Net;
using System.Net.Sockets;
using ImageRec.Operator.Cluster;
using ImageRec.Tests.Infrastructure.KubernetesApi;
using ImageRec.Tests.Operator.Controllers;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace ImageRec.Tests.Operator.Cluster;

/// <summary>
/// <see cref="TransportTolerantLock"/>: a request without an answer is a failed attempt for the library's
/// <see cref="LeaderElector"/>, so a leader rides out a short outage of the API server as client-go's does, while the
/// library's own lock makes it step down at the first refused connection.
/// </summary>
public sealed class TransportTolerantLockTests
{
    private sealed class FailingLock(Exception failure) : ILock
    {
        public string Identity => "me";
        public string Describe() => "default/lease";
        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) => Task.FromException<LeaderElectionRecord>(failure);
        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => Task.FromException<bool>(failure);
        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => Task.FromException<bool>(failure);
    }

    public static TheoryData<Exception> Unanswered => new()
    {
        new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)),
        new IOException("reset by peer"),
        new TaskCanceledException("HttpClient.Timeout of 100 s elapsed"),
    };

    [Theory]
    [MemberData(nameof(Unanswered))]
    public async Task A_request_without_an_answer_is_a_failed_attempt(Exception failure)
    {
        var tolerant = new TransportTolerantLock(new FailingLock(failure));

        var read = await Assert.ThrowsAsync<HttpOperationException>(() => tolerant.GetAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.Response.StatusCode);
        Assert.Same(failure, read.InnerException);
        Assert.False(await tolerant.UpdateAsync(new LeaderElectionRecord()));
        Assert.False(await tolerant.CreateAsync(new LeaderElectionRecord()));
    }

    [Fact]
    public async Task The_callers_cancellation_and_other_errors_pass_through()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var cancelling = new TransportTolerantLock(new FailingLock(new OperationCanceledException(cancelled.Token)));
        await Assert.ThrowsAsync<OperationCanceledException>(() => cancelling.GetAsync(cancelled.Token));
        await Assert.ThrowsAsync<OperationCanceledException>(() => cancelling.UpdateAsync(new LeaderElectionRecord(), cancelled.Token));

        var broken = new TransportTolerantLock(new FailingLock(new InvalidOperationException("not initialised")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => broken.UpdateAsync(new LeaderElectionRecord()));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_leader_keeps_its_lease_through_refused_connections_shorter_than_the_renew_deadline(bool tolerant, bool stepsDown)
    {
        await using var server = await KubernetesApiServer.StartAsync();
        var faults = new ApiConnectionFaults();
        using var client = OperatorTestCluster.Client(server, server.AdminToken, faults);
        ILock lease = new LeaseLock(client, "default", "imagerec-operator", "operator-a");
        if (tolerant) lease = new TransportTolerantLock(lease);
        using var elector = new LeaderElector(new LeaderElectionConfig(lease)
        {
            LeaseDuration = TimeSpan.FromSeconds(6),
            RenewDeadline = TimeSpan.FromSeconds(4),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.OnStartedLeading += () => leading.TrySetResult();
        elector.OnStoppedLeading += () => stopped.TrySetResult();
        using var stop = new CancellationTokenSource();
        var run = elector.RunUntilLeadershipLostAsync(stop.Token);
        await leading.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // 1.5 s of refused connections: several renewals fail, all well inside the 4 s renew deadline.
        faults.Refuse = true;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        faults.Refuse = false;
        // Long enough for a successful renewal afterwards, short of the deadline counted from the outage's start.
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(stepsDown, stopped.Task.IsCompleted);
        await stop.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
