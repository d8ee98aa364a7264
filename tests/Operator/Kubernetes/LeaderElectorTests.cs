using System.Net;
using System.Text.Json.Nodes;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary><see cref="LeaderElector"/> against an in-memory Lease with optimistic concurrency, on a manual clock.</summary>
public sealed class LeaderElectorTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Acquires_a_new_lease_and_renews_it_keeping_acquireTime()
    {
        var time = new ManualTimeProvider(Start);
        var store = new LeaseStore();
        using var client = store.Handler.CreateClient();
        var a = Elector(client, "a", time);

        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));

        var spec = store.Spec!;
        Assert.Equal("a", (string?)spec["holderIdentity"]);
        Assert.Equal(15, (int?)spec["leaseDurationSeconds"]);
        Assert.Equal("2030-01-01T00:00:00.000000Z", (string?)spec["acquireTime"]);
        Assert.Equal("2030-01-01T00:00:02.000000Z", (string?)spec["renewTime"]);
        Assert.Equal(0, (int?)spec["leaseTransitions"]);
        Assert.Equal(["GET", "POST", "GET", "PUT"], store.Handler.Requests.Select(r => r.Method.Method));
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/imagerec/leases/imagerec-operator", store.Handler.Requests[0].PathAndQuery);
    }

    [Fact]
    public async Task Another_candidate_waits_for_expiry_then_takes_over_and_the_old_leader_sees_it()
    {
        var time = new ManualTimeProvider(Start);
        var store = new LeaseStore();
        using var client = store.Handler.CreateClient();
        var a = Elector(client, "a", time);
        var b = Elector(client, "b", time);

        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
        // b's clock restarts at the renewal it observed: 14 s later the lease is still a's.
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(await a.TryAcquireOrRenewAsync(CancellationToken.None));

        Assert.Equal("b", (string?)store.Spec!["holderIdentity"]);
        Assert.Equal(1, (int?)store.Spec["leaseTransitions"]);
        Assert.Equal("2030-01-01T00:00:26.000000Z", (string?)store.Spec["acquireTime"]);
        Assert.Equal("b", a.CurrentLeader);
    }

    [Fact]
    public async Task A_write_that_loses_the_resourceVersion_race_does_not_lead()
    {
        var time = new ManualTimeProvider(Start);
        var store = new LeaseStore();
        using var client = store.Handler.CreateClient();
        var b = Elector(client, "b", time);
        Assert.True(await Elector(client, "a", time).TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(20));
        // Between b's read and write, c takes the expired lease.
        store.BeforeWrite = () => store.Overwrite(holder: "c");

        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(b.IsLeader);
        Assert.Equal("c", (string?)store.Spec!["holderIdentity"]);
        Assert.Equal(HttpStatusCode.Conflict, store.LastWriteStatus);
    }

    [Fact]
    public async Task RunAsync_leads_steps_down_when_the_lease_is_taken_and_releases_on_stop()
    {
        var time = new ManualTimeProvider(Start);
        var store = new LeaseStore();
        using var client = store.Handler.CreateClient();
        var a = Elector(client, "a", time);
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.OnStartedLeading += token => started.TrySetResult(token);
        a.OnStoppedLeading += () => stopped.TrySetResult();
        using var stop = new CancellationTokenSource();

        var run = a.RunAsync(stop.Token);
        var leadership = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(a.IsLeader);
        await AdvanceUntil(time, () => store.Handler.Requests.Count >= 4, TimeSpan.FromSeconds(2));
        Assert.Equal("2030-01-01T00:00:02.000000Z", (string?)store.Spec!["renewTime"]);

        // Someone else takes the lease (say an admin edited it): the next renewal sees it and a steps down.
        store.Overwrite(holder: "b");
        await AdvanceUntil(time, () => stopped.Task.IsCompleted, TimeSpan.FromSeconds(2));
        Assert.False(a.IsLeader);
        Assert.True(leadership.IsCancellationRequested);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("b", (string?)store.Spec!["holderIdentity"]);
    }

    [Fact]
    public async Task A_leader_stopped_gracefully_hands_the_lease_back()
    {
        var time = new ManualTimeProvider(Start);
        var store = new LeaseStore();
        using var client = store.Handler.CreateClient();
        var a = Elector(client, "a", time);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stoppedLeading = false;
        a.OnStartedLeading += _ => started.TrySetResult();
        a.OnStoppedLeading += () => stoppedLeading = true;
        using var stop = new CancellationTokenSource();

        var run = a.RunAsync(stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(stoppedLeading);
        Assert.False(a.IsLeader);
        Assert.Null(store.Spec!["holderIdentity"]);
        Assert.Equal(1, (int?)store.Spec["leaseDurationSeconds"]);
        // A successor takes it at once instead of waiting 15 s.
        Assert.True(await Elector(client, "b", time).TryAcquireOrRenewAsync(CancellationToken.None));
    }

    [Fact]
    public void Options_must_order_the_durations()
    {
        using var client = new LeaseStore().Handler.CreateClient();

        Assert.Throws<ArgumentException>(() => new LeaderElector(client, new LeaderElectionOptions
        {
            LeaseName = "l", LeaseNamespace = "ns", Identity = "a", RenewDeadline = TimeSpan.FromSeconds(20),
        }));
    }

    private static LeaderElector Elector(IKubernetesClient client, string identity, TimeProvider time) =>
        new(client, new LeaderElectionOptions { LeaseName = "imagerec-operator", LeaseNamespace = "imagerec", Identity = identity }, time);

    /// <summary>Moves the clock a step at a time until the elector's loop has done what is awaited.</summary>
    private static async Task AdvanceUntil(ManualTimeProvider time, Func<bool> done, TimeSpan step)
    {
        for (var i = 0; i < 50 && !done(); i++)
        {
            // Let the elector's loop reach its next delay before moving the clock.
            for (var spin = 0; spin < 1000 && time.PendingTimers == 0; spin++)
            {
                await Task.Delay(1);
            }

            time.Advance(step);
            for (var spin = 0; spin < 200 && !done() && time.PendingTimers == 0; spin++)
            {
                await Task.Delay(1);
            }
        }

        Assert.True(done());
    }

    /// <summary>One Lease in memory: GET, POST, and PUT conditional on metadata.resourceVersion (409 otherwise).</summary>
    private sealed class LeaseStore
    {
        private readonly Lock _lock = new();
        private JsonObject? _lease;
        private int _version;

        public LeaseStore()
        {
            Handler = new ScriptedKubernetesHandler(Handle);
        }

        public ScriptedKubernetesHandler Handler { get; }

        public Action? BeforeWrite { get; set; }

        public HttpStatusCode? LastWriteStatus { get; private set; }

        public JsonObject? Spec
        {
            get
            {
                lock (_lock)
                {
                    return _lease?["spec"]?.DeepClone().AsObject();
                }
            }
        }

        public void Overwrite(string holder)
        {
            lock (_lock)
            {
                _lease!["spec"]!["holderIdentity"] = holder;
                _lease["metadata"]!["resourceVersion"] = (++_version).ToString();
            }
        }

        private HttpResponseMessage Handle(RecordedRequest request)
        {
            if (request.Method == HttpMethod.Get)
            {
                lock (_lock)
                {
                    return _lease is null
                        ? ScriptedKubernetesHandler.Status(HttpStatusCode.NotFound, "NotFound")
                        : ScriptedKubernetesHandler.Json(HttpStatusCode.OK, _lease.ToJsonString());
                }
            }

            var before = BeforeWrite;
            BeforeWrite = null;
            before?.Invoke();
            var written = JsonNode.Parse(request.Body)!.AsObject();
            lock (_lock)
            {
                var current = (string?)_lease?["metadata"]?["resourceVersion"];
                if (request.Method == HttpMethod.Post ? _lease is not null : (string?)written["metadata"]?["resourceVersion"] != current)
                {
                    LastWriteStatus = HttpStatusCode.Conflict;
                    return ScriptedKubernetesHandler.Status(HttpStatusCode.Conflict, "Conflict", "the object has been modified");
                }

                written["metadata"]!["resourceVersion"] = (++_version).ToString();
                _lease = written;
                LastWriteStatus = HttpStatusCode.OK;
                return ScriptedKubernetesHandler.Json(HttpStatusCode.OK, written.ToJsonString());
            }
        }
    }
}
