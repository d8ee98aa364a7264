using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageRec.Common.Observability;
using ImageRec.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ImageRec.Tests.EndToEnd;

/// <summary>
/// The operator in local mode on the `make run` stack: a burst of jobs scales the workers out, a
/// SIGTERM to a busy worker loses nothing, every job succeeds, and the pool returns to its minimum
/// once the lower count has held for the stabilisation window (15 s in deploy/local/pool.yaml).
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class LocalAutoscalingTests(LocalStackFixture stack, ITestOutputHelper output)
{
    private const int Jobs = 300;
    private static readonly TimeSpan Stabilization = TimeSpan.FromSeconds(15);

    private sealed record PoolState(int Replicas, int Ready, int Desired, long Visible, long InFlight);

    private async Task<PoolState> StateAsync()
    {
        var status = JsonDocument.Parse(await stack.Http.GetStringAsync(new Uri(stack.Operator, "status"))).RootElement.GetProperty("status");
        var queue = status.GetProperty("queue");
        return new PoolState(status.GetProperty("replicas").GetInt32(), status.GetProperty("readyReplicas").GetInt32(),
            status.GetProperty("desiredReplicas").GetInt32(), queue.GetProperty("visible").GetInt64(), queue.GetProperty("inFlight").GetInt64());
    }

    private async Task<PoolState> WaitForAsync(Func<PoolState, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        PoolState state;
        while (!condition(state = await StateAsync()))
        {
            if (deadline.Elapsed > timeout) Assert.Fail($"{what}: not reached within {timeout}; last state {state}\n{stack.Logs()}");
            await Task.Delay(200);
        }
        return state;
    }

    [Fact]
    public async Task A_burst_scales_out_survives_a_sigterm_succeeds_completely_and_scales_back_in()
    {
        await WaitForAsync(s => s.Replicas == LocalStackFixture.Workers && s.Visible == 0 && s.InFlight == 0, TimeSpan.FromSeconds(60), "idle pool at its minimum");
        var images = Directory.GetFiles(RepositoryPaths.TestImages, "*.jpg").Order().Select(File.ReadAllBytes).ToArray();

        // 300 asynchronous uploads, 25 at a time.
        var clock = Stopwatch.StartNew();
        var ids = new string[Jobs];
        await Parallel.ForAsync(0, Jobs, new ParallelOptions { MaxDegreeOfParallelism = 25 }, async (i, ct) =>
        {
            var file = new ByteArrayContent(images[i % images.Length]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var response = await stack.Http.PostAsync(new Uri(stack.WebTier, "v1/images"),
                new MultipartFormDataContent { { file, "image", $"burst_{i}.jpg" } }, ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids[i] = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetString()!;
        });
        output.WriteLine($"{Jobs} uploads accepted in {clock.Elapsed.TotalSeconds:F1} s");

        var scaledOut = await WaitForAsync(s => s.Replicas > LocalStackFixture.Workers, TimeSpan.FromSeconds(20), "scale-out above the minimum");
        output.WriteLine($"scaled out to {scaledOut.Replicas} at {clock.Elapsed.TotalSeconds:F1} s ({scaledOut})");

        // SIGTERM the busiest worker: it must finish or release what it holds.
        var busiest = await BusiestWorkerPidAsync();
        if (busiest is { } pid)
        {
            ProcessSignals.Send(pid, ProcessSignals.SigTerm);
            output.WriteLine($"sent SIGTERM to worker pid {pid} at {clock.Elapsed.TotalSeconds:F1} s");
        }

        // Every job succeeds, once, with a result.
        var pending = ids.ToHashSet();
        while (pending.Count > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"{pending.Count} jobs unfinished after 3 minutes\n{stack.Logs()}");
            foreach (var id in pending.ToArray())
            {
                var result = JsonDocument.Parse(await stack.Http.GetStringAsync(new Uri(stack.WebTier, $"v1/images/{id}"))).RootElement;
                var status = result.GetProperty("status").GetString();
                if (status == "queued") continue;
                Assert.Equal("succeeded", status);
                pending.Remove(id);
            }
            if (pending.Count > 0) await Task.Delay(500);
        }
        output.WriteLine($"all {Jobs} succeeded at {clock.Elapsed.TotalSeconds:F1} s");

        var drained = await WaitForAsync(s => s.Visible == 0 && s.InFlight == 0, TimeSpan.FromSeconds(30), "queue drained");
        var drainedAt = clock.Elapsed;
        await WaitForAsync(s => s.Replicas == LocalStackFixture.Workers, Stabilization + TimeSpan.FromSeconds(10), "back to the minimum");
        output.WriteLine($"back to {LocalStackFixture.Workers} workers {(clock.Elapsed - drainedAt).TotalSeconds:F1} s after the queue drained ({drained})");

        var metrics = PrometheusExposition.Parse(await stack.Http.GetStringAsync(new Uri(stack.Operator, "metrics")));
        Assert.NotEmpty(metrics.Series("imagerec_pool_replicas", ("pool", "local")));
        Assert.NotEmpty(metrics.Series("imagerec_pool_desired_replicas", ("pool", "local")));
        Assert.NotEmpty(metrics.Series("imagerec_queue_messages", ("pool", "local"), ("state", "visible")));
        Assert.NotEmpty(metrics.Series("imagerec_pool_scale_events_total", ("direction", "out"), ("pool", "local")));
        Assert.Equal("histogram", metrics.Types["imagerec_reconcile_seconds"]);
    }

    /// <summary>The pid of the worker reporting the most in-flight jobs, found by its --urls port.</summary>
    private async Task<int?> BusiestWorkerPidAsync() =>
        await LocalWorkers.BusiestAsync(stack) is { } busiest ? await LocalWorkers.PidAsync(busiest.Port) : null;
}
