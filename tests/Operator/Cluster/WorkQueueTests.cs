using ImageRec.Operator.Cluster;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Operator.Cluster;

/// <summary><see cref="WorkQueue{TKey}"/>: client-go's guarantees — merged repeats, one worker per key, per-key back-off.</summary>
public sealed class WorkQueueTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _clock = new(Start);

    private static async Task<string> TakeNowAsync(WorkQueue<string> queue) =>
        await queue.TakeAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

    [Fact]
    public async Task A_key_added_again_before_it_is_taken_is_worked_on_once()
    {
        using var queue = new WorkQueue<string>(_clock);
        queue.Add("ns/a");
        queue.Add("ns/b");
        queue.Add("ns/a");

        Assert.Equal(2, queue.Count);
        Assert.Equal("ns/a", await TakeNowAsync(queue));
        Assert.Equal("ns/b", await TakeNowAsync(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_in_flight_is_not_handed_out_again_but_once_more_after_Done()
    {
        using var queue = new WorkQueue<string>(_clock);
        queue.Add("ns/a");
        var key = await TakeNowAsync(queue);

        queue.Add("ns/a");
        queue.Add("ns/a");
        var second = queue.TakeAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted); // another worker must not get the key while the first holds it

        queue.Done(key);
        Assert.Equal("ns/a", await second.WaitAsync(TimeSpan.FromSeconds(5)));
        queue.Done("ns/a");
        Assert.Equal(0, queue.Count); // the two re-adds were one
    }

    [Fact]
    public async Task Failed_keys_come_back_after_a_doubling_per_key_back_off_that_Forget_resets()
    {
        using var queue = new WorkQueue<string>(_clock, baseDelay: TimeSpan.FromMilliseconds(5), maxDelay: TimeSpan.FromMilliseconds(20));

        foreach (var expected in new[] { 5, 10, 20, 20 })
        {
            queue.AddRateLimited("ns/a");
            _clock.Advance(TimeSpan.FromMilliseconds(expected - 1));
            Assert.Equal(0, queue.Count);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, queue.Count);
            queue.Done(await TakeNowAsync(queue));
        }
        Assert.Equal(4, queue.Failures("ns/a"));

        // Another key has its own count.
        queue.AddRateLimited("ns/b");
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal("ns/b", await TakeNowAsync(queue));

        queue.Forget("ns/a");
        Assert.Equal(0, queue.Failures("ns/a"));
        queue.AddRateLimited("ns/a");
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Shutting_down_drops_pending_retries_and_refuses_new_keys()
    {
        using var queue = new WorkQueue<string>(_clock);
        queue.AddRateLimited("ns/a");
        Assert.Equal(1, _clock.PendingTimers);

        queue.ShutDown();
        queue.Add("ns/b");
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, _clock.PendingTimers);
        Assert.Equal(0, queue.Count);
    }
}
