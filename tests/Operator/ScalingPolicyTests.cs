using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;

namespace ImageRec.Tests.Operator;

/// <summary>Scaling decisions as a table, including the cases KEDA's SQS scaler documents.</summary>
public sealed class ScalingPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private static ScalingSpec Spec(int min = 0, int max = 20, int perReplica = 10, int activation = 1, bool countInFlight = true) =>
        new() { MinReplicas = min, MaxReplicas = max, MessagesPerReplica = perReplica, ActivationMessages = activation, CountInFlight = countInFlight };

    private static QueueDepth Depth(long visible, long inFlight = 0, long delayed = 0, int at = 0) =>
        new(visible, inFlight, delayed, T0.AddSeconds(at));

    public static TheoryData<string, long, long, long, int, ScalingSpec, int, string> Table() => new()
    {
        // case, visible, in flight, delayed, current, spec, desired, reason
        { "KEDA: 30 messages at 5 per replica", 30, 0, 0, 1, Spec(perReplica: 5), 6, "ScaledOut" },
        { "in-flight counted", 20, 10, 0, 1, Spec(perReplica: 5), 6, "ScaledOut" },
        { "in-flight not counted", 20, 10, 0, 1, Spec(perReplica: 5, countInFlight: false), 4, "ScaledOut" },
        { "partial replica rounds up", 31, 0, 0, 1, Spec(perReplica: 10), 4, "ScaledOut" },
        { "clamped to max", 1000, 0, 0, 2, Spec(max: 8), 8, "ScaledOut" },
        { "raised to min", 0, 0, 0, 3, Spec(min: 3), 3, "Stable" },
        { "activation: below threshold stays at zero", 4, 0, 0, 0, Spec(activation: 5), 0, "BelowActivation" },
        { "activation: at threshold wakes", 5, 0, 0, 0, Spec(activation: 5), 1, "Activated" },
        { "activation: delayed messages do not wake", 0, 0, 7, 0, Spec(), 0, "BelowActivation" },
        { "zero only when everything is empty: in flight", 0, 3, 0, 2, Spec(countInFlight: false), 1, "ScaledIn" },
        { "zero only when everything is empty: delayed", 0, 0, 4, 2, Spec(), 1, "ScaledIn" },
        { "all empty scales to zero", 0, 0, 0, 2, Spec(), 0, "ScaledToZero" },
        { "empty queue, nothing running", 0, 0, 0, 0, Spec(), 0, "BelowActivation" },
        { "steady", 20, 0, 0, 2, Spec(), 2, "Stable" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decides(string @case, long visible, long inFlight, long delayed, int current, ScalingSpec spec, int desired, string reason)
    {
        var decision = new ScalingPolicy().Decide(Depth(visible, inFlight, delayed), current, spec, Window, T0);
        Assert.True((desired, reason) == (decision.Desired, decision.Reason), $"{@case}: got {decision}");
        Assert.False(string.IsNullOrWhiteSpace(decision.Message));
    }

    [Fact]
    public void A_busy_pool_never_goes_to_zero_while_messages_are_in_flight_or_delayed()
    {
        foreach (var depth in new[] { Depth(0, inFlight: 1), Depth(0, delayed: 1) })
        {
            var (replicas, _, _) = ScalingPolicy.Recommend(depth, current: 3, Spec(countInFlight: false));
            Assert.Equal(1, replicas);
        }
        Assert.Equal(0, ScalingPolicy.Recommend(Depth(0), current: 3, Spec()).Replicas);
    }

    [Fact]
    public void Scale_out_is_immediate_and_scale_in_waits_for_the_window()
    {
        var policy = new ScalingPolicy();
        var spec = Spec(min: 1, perReplica: 10);

        Assert.Equal(5, policy.Decide(Depth(50, at: 0), 1, spec, Window, T0).Desired);
        // The queue drains at t=10: the lower value must hold for 30 s.
        Assert.Equal((5, "StabilizingScaleIn"), Pair(policy.Decide(Depth(0, at: 10), 5, spec, Window, T0.AddSeconds(10))));
        Assert.Equal((5, "StabilizingScaleIn"), Pair(policy.Decide(Depth(0, at: 20), 5, spec, Window, T0.AddSeconds(20))));
        Assert.Equal((5, "StabilizingScaleIn"), Pair(policy.Decide(Depth(0, at: 29), 5, spec, Window, T0.AddSeconds(29))));
        // t=31: the 50-message reading of t=0 left the window.
        Assert.Equal((1, "ScaledIn"), Pair(policy.Decide(Depth(0, at: 31), 5, spec, Window, T0.AddSeconds(31))));
    }

    [Fact]
    public void Scale_in_follows_the_highest_recommendation_in_the_window()
    {
        var policy = new ScalingPolicy();
        var spec = Spec(perReplica: 10);
        policy.Decide(Depth(80), 8, spec, Window, T0);                               // wants 8
        policy.Decide(Depth(40, at: 10), 8, spec, Window, T0.AddSeconds(10));         // wants 4, held at 8
        Assert.Equal(4, policy.Decide(Depth(20, at: 35), 8, spec, Window, T0.AddSeconds(35)).Desired); // 8 left; 4 (t=10) still in window
        Assert.Equal(2, policy.Decide(Depth(20, at: 41), 4, spec, Window, T0.AddSeconds(41)).Desired);
    }

    [Fact]
    public void An_unreachable_queue_keeps_the_current_count_and_does_not_count_as_a_low_reading()
    {
        var policy = new ScalingPolicy();
        var spec = Spec();
        Assert.Equal(6, policy.Decide(Depth(60), 6, spec, Window, T0).Desired);
        var failed = policy.Decide(null, 6, spec, Window, T0.AddSeconds(40));
        Assert.Equal((6, "QueueUnreachable"), Pair(failed));
        Assert.Contains("keeping 6", failed.Message);
    }

    [Fact]
    public void Stabilisation_of_zero_lets_the_pool_scale_in_at_once()
    {
        var policy = new ScalingPolicy();
        Assert.Equal(1, policy.Decide(Depth(0), 4, Spec(min: 1), TimeSpan.Zero, T0).Desired);
    }

    private static (int, string) Pair(ScalingDecision decision) => (decision.Desired, decision.Reason);
}
