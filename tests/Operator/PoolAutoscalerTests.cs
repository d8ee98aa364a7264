using System.Diagnostics.Metrics;
using ImageRec.Operator.Entities;
using k8s.Models;
using ImageRec.Operator.Observability;
using ImageRec.Operator.Scaling;
using ImageRec.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.Operator;

/// <summary>The autoscaling loop with a scripted queue and an in-memory actuator: status, conditions, events.</summary>
public sealed class PoolAutoscalerTests
{
    private sealed class ScriptedQueue : IQueueDepthReader
    {
        public QueueDepth? Next { get; set; }
        public QueueDepthUnavailableException? Error { get; set; }

        public Task<QueueDepth> ReadAsync(QueueSpec queue, CancellationToken cancellationToken) =>
            Error is not null ? Task.FromException<QueueDepth>(Error) : Task.FromResult(Next!);
    }

    private sealed class InstantActuator : IWorkerActuator
    {
        public int Replicas { get; private set; }
        public List<int> Requests { get; } = [];

        /// <summary>How many observations fail the way an HTTP client's timeout does (TaskCanceledException, not our token).</summary>
        public int TimeOuts { get; set; }

        public Task<WorkerFleet> ObserveAsync(CancellationToken cancellationToken) => TimeOuts-- > 0
            ? Task.FromException<WorkerFleet>(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing."))
            : Task.FromResult(new WorkerFleet(Replicas, Replicas));

        public Task ScaleAsync(int replicas, CancellationToken cancellationToken)
        {
            Requests.Add(replicas);
            Replicas = replicas;
            return Task.CompletedTask;
        }
    }

    private sealed class RecordingReporter : IPoolReporter
    {
        public RecognitionPoolStatus? Status { get; private set; }
        public List<(string Type, string Reason, string Message)> Events { get; } = [];

        public Task ReportStatusAsync(RecognitionPoolStatus status, CancellationToken cancellationToken)
        {
            Status = status;
            return Task.CompletedTask;
        }

        public Task ReportEventAsync(string type, string reason, string message, CancellationToken cancellationToken)
        {
            Events.Add((type, reason, message));
            return Task.CompletedTask;
        }
    }

    private readonly ScriptedQueue _queue = new();
    private readonly InstantActuator _workers = new();
    private readonly RecordingReporter _reporter = new();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly RecognitionPool _pool = new()
    {
        Metadata = new V1ObjectMeta { Name = "pool", Generation = 3 },
        Spec = new RecognitionPoolSpec
        {
            Queue = new QueueSpec { Url = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs" },
            Scaling = new ScalingSpec { MinReplicas = 1, MaxReplicas = 5, MessagesPerReplica = 10, ScaleDownStabilization = "30s" },
        },
    };

    private PoolAutoscaler Autoscaler(TimeProvider? time = null) => new("ns/pool", _queue, _workers, _reporter,
        new OperatorMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()),
        time ?? _clock, NullLogger.Instance);

    private async Task<ScalingDecision> TickAt(PoolAutoscaler autoscaler, int second, long visible, long inFlight = 0)
    {
        _clock.Advance(new DateTimeOffset(2026, 11, 22, 12, 0, second, TimeSpan.Zero) - _clock.GetUtcNow());
        _queue.Next = new QueueDepth(visible, inFlight, 0, _clock.GetUtcNow());
        return await autoscaler.TickAsync(_pool, CancellationToken.None);
    }

    private PoolCondition Condition(string type) => _reporter.Status!.Conditions.Single(c => c.Type == type);

    [Fact]
    public async Task Follows_a_scripted_queue_depth_with_status_conditions_and_events()
    {
        var autoscaler = Autoscaler();

        await TickAt(autoscaler, 0, visible: 0);                  // starts at the minimum
        Assert.Equal([1], _workers.Requests);
        await TickAt(autoscaler, 2, visible: 42);                 // 42 at 10 per worker → 5
        Assert.Equal(5, _workers.Replicas);
        Assert.Equal(5, _reporter.Status!.DesiredReplicas);
        Assert.Equal(5, _reporter.Status.Replicas);
        Assert.Equal(42, _reporter.Status.Queue!.Visible);
        Assert.Equal(3, _reporter.Status.ObservedGeneration);
        Assert.Contains(_reporter.Events, e => e is { Type: "Normal", Reason: "ScaledOut" } && e.Message.Contains("from 1 to 5"));

        await TickAt(autoscaler, 4, visible: 0, inFlight: 12);   // draining: 12 in flight → 2, but stabilising
        Assert.Equal(5, _workers.Replicas);
        Assert.Equal(("True", "StabilizingScaleIn"), (Condition("Scaling").Status, Condition("Scaling").Reason));

        await TickAt(autoscaler, 40, visible: 0);                 // window passed → minimum
        Assert.Equal(1, _workers.Replicas);
        Assert.Equal(("True", "WorkersReady"), (Condition("Ready").Status, Condition("Ready").Reason));
        Assert.Equal(_clock.GetUtcNow(), _reporter.Status.LastScaleTime);
    }

    [Fact]
    public async Task An_unreachable_queue_keeps_the_workers_and_says_why_once()
    {
        var autoscaler = Autoscaler();
        await TickAt(autoscaler, 0, visible: 35);
        Assert.Equal(4, _workers.Replicas);
        var reachableSince = Condition("QueueReachable").LastTransitionTime;

        _queue.Error = new QueueDepthUnavailableException("AccessDenied", "not authorized to perform sqs:GetQueueAttributes");
        _clock.Advance(TimeSpan.FromMinutes(5));
        await autoscaler.TickAsync(_pool, CancellationToken.None);
        await autoscaler.TickAsync(_pool, CancellationToken.None);

        Assert.Equal(4, _workers.Replicas);
        Assert.Equal([4], _workers.Requests);
        var condition = Condition("QueueReachable");
        Assert.Equal(("False", "QueueUnreachable"), (condition.Status, condition.Reason));
        Assert.Contains("AccessDenied", condition.Message);
        Assert.True(condition.LastTransitionTime > reachableSince);
        Assert.Single(_reporter.Events, e => e is { Type: "Warning", Reason: "QueueUnreachable" });
        Assert.Equal(35, _reporter.Status!.Queue!.Visible); // the last known depth stays

        _queue.Error = null;
        await TickAt(autoscaler, 0, visible: 35);
        Assert.Equal("True", Condition("QueueReachable").Status);
        Assert.Single(_reporter.Events, e => e is { Type: "Normal", Reason: "QueueReachable" });
    }
    [Fact]
    public async Task A_timeout_that_is_not_our_stop_fails_one_pass_and_the_loop_goes_on()
    {
        var time = new ManualTimeProvider(_clock.GetUtcNow());
        var autoscaler = Autoscaler(time);
        _queue.Next = new QueueDepth(0, 0, 0, _clock.GetUtcNow());
        _workers.TimeOuts = 1;
        using var stop = new CancellationTokenSource();

        // Every call completes synchronously, so the first pass has run (and failed) when RunAsync returns its task.
        var loop = autoscaler.RunAsync(() => _pool, stop.Token);
        Assert.False(loop.IsCompleted, $"the loop ended after a timeout that was not its stop ({loop.Status})");
        Assert.Null(_reporter.Status);
        Assert.Equal(1, time.PendingTimers); // waiting out the poll interval

        time.Advance(TimeSpan.FromSeconds(2));
        // The pass after the delay may run on another thread: wait for it (no clock moves meanwhile, so no race).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_reporter.Status is null && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal([1], _workers.Requests); // the next pass ran: a new pool starts at its minimum
        Assert.NotNull(_reporter.Status);

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
