using BenchmarkDotNet.Attributes;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;

namespace ImageRec.Benchmarks;

/// <summary>
/// <see cref="ScalingPolicy.Decide"/> once per poll, polls 2 s apart, over a queue that fills, holds and
/// drains (so scale-out, steady and stabilised scale-in decisions all occur). Baseline: no stabilisation
/// window (one remembered recommendation); the other keeps a 30 s window, i.e. ~15 recommendations.
/// </summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private static readonly ScalingSpec Spec = new() { MinReplicas = 1, MaxReplicas = 20, MessagesPerReplica = 10 };

    private QueueDepth[] _depths = [];
    private Pool _noWindow = null!, _window30s = null!;

    [GlobalSetup]
    public void Setup()
    {
        var t0 = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        // 64 polls: a burst to 300 messages, a plateau, a drain to empty, idle.
        _depths = Enumerable.Range(0, 64).Select(i => i switch
        {
            < 8 => new QueueDepth(i * 40, i * 5, 0, t0),
            < 24 => new QueueDepth(300, 40, 0, t0),
            < 40 => new QueueDepth(Math.Max(0, 300 - (i - 24) * 20), 20, 0, t0),
            _ => new QueueDepth(0, 0, 0, t0),
        }).ToArray();
        _noWindow = new Pool(TimeSpan.Zero, t0);
        _window30s = new Pool(TimeSpan.FromSeconds(30), t0);
        // Fill the 30 s window so the measured calls see it in its steady state.
        for (int i = 0; i < 32; i++)
            _window30s.Step(_depths);
    }

    [Benchmark(Baseline = true)]
    public int NoStabilization() => _noWindow.Step(_depths);

    [Benchmark]
    public int Window30sOf2sPolls() => _window30s.Step(_depths);

    /// <summary>One pool: its policy, its worker count and its clock, advanced one poll per call.</summary>
    private sealed class Pool(TimeSpan stabilization, DateTimeOffset start)
    {
        private readonly ScalingPolicy _policy = new();
        private DateTimeOffset _now = start;
        private int _poll, _current = Spec.MinReplicas;

        public int Step(QueueDepth[] depths)
        {
            _now += Poll;
            _current = _policy.Decide(depths[_poll++ & 63], _current, Spec, stabilization, _now).Desired;
            return _current;
        }
    }
}
