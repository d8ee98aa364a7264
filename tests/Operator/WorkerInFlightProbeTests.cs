using System.Diagnostics.Metrics;
using ImageRec.Common.Observability;
using ImageRec.Operator.Workers;
using ImageRec.Tests.Infrastructure;
using ImageRec.Worker.Processing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Operator;

/// <summary>
/// What scale-in believes a worker holds: the probe reads the worker's in-flight gauge from /metrics as the
/// exporter really writes it (every series labelled with <c>otel_scope_name</c>), sums its series, and is not
/// fooled by comments or by other metrics whose names start with the gauge's. If it reads 0 for a busy worker,
/// pod-deletion-cost (cluster) and the local actuator's choice of whom to stop no longer spare busy workers.
/// </summary>
[Collection(WorkerInFlightProbeCollection.Name)]
public sealed class WorkerInFlightProbeTests
{
    [Fact]
    public async Task Reads_the_jobs_a_worker_holds_from_the_metrics_it_really_serves()
    {
        await using var worker = await LoopbackApp.StartAsync(b => b.Services.AddImageRecObservability(), app => app.MapImageRecObservability());
        var metrics = new WorkerMetrics(worker.App.Services.GetRequiredService<IMeterFactory>());
        metrics.InFlight.Add(4);
        metrics.InFlight.Add(-1);
        // Other worker instruments whose names start with the gauge's name do not count.
        metrics.JobsCompleted.Add(5, new KeyValuePair<string, object?>("status", "succeeded"));
        using var http = new HttpClient();

        Assert.Equal(3, await new WorkerInFlightProbe(http).ReadAsync(worker.Address, CancellationToken.None));

        metrics.InFlight.Add(-3);
        Assert.Equal(0, await new WorkerInFlightProbe(http).ReadAsync(worker.Address, CancellationToken.None));
    }

    [Theory]
    // The exporter's own shape: scope label, HELP/TYPE comments, a timestamp.
    [InlineData("""
        # HELP imagerec_worker_in_flight Jobs received and not yet finished.
        # TYPE imagerec_worker_in_flight gauge
        imagerec_worker_in_flight{otel_scope_name="ImageRec.Worker"} 3 1765050000000
        """, 3)]
    // Several series of the gauge are summed, whatever their labels and their order.
    [InlineData("""
        imagerec_worker_in_flight{otel_scope_name="ImageRec.Worker",lane="0"} 2
        imagerec_worker_in_flight{lane="1",otel_scope_name="ImageRec.Worker",} 5
        """, 7)]
    // Label values may hold what ends a label set or a sample elsewhere: braces, quotes, spaces, commas.
    [InlineData("""
        imagerec_worker_in_flight{note="a} 9, \"b\" \\"} 4
        """, 4)]
    // No labels at all (a plain Prometheus client), with CRLF line ends.
    [InlineData("imagerec_worker_in_flight 6\r\n", 6)]
    // Lookalikes: other metrics whose names start with the gauge's, before and after it, and comments naming it.
    [InlineData("""
        imagerec_worker_in_flight_total{otel_scope_name="ImageRec.Worker"} 40
        # imagerec_worker_in_flight 50
        imagerec_worker_in_flight{otel_scope_name="ImageRec.Worker"} 1
        imagerec_worker_in_flightless 60
        imagerec_worker_in_flight_seconds_bucket{le="+Inf"} 70
        """, 1)]
    // Only lookalikes: the worker holds nothing we can see.
    [InlineData("""
        imagerec_worker_in_flight_total 40
        imagerec_worker_jobs_total{status="succeeded"} 9
        """, 0)]
    // Not the format at all: counts as idle, like a worker that does not answer, instead of failing scale-in.
    [InlineData("""
        imagerec_worker_in_flight{otel_scope_name="ImageRec.Worker" 3
        """, 0)]
    [InlineData("<html>bad gateway</html>", 0)]
    public async Task Sums_the_gauge_series_and_ignores_comments_and_lookalikes(string exposition, int expected)
    {
        await using var worker = await LoopbackApp.StartAsync(_ => { },
            app => app.MapGet("/metrics", () => Results.Text(exposition, "text/plain; version=0.0.4; charset=utf-8")));
        using var http = new HttpClient();

        Assert.Equal(expected, await new WorkerInFlightProbe(http).ReadAsync(worker.Address, CancellationToken.None));
    }
}

/// <summary>
/// Run alone: the exporter listens to every meter named ImageRec.* in the process, so worker tests running
/// beside these (each with WorkerMetrics of its own) would add their jobs in flight to the gauge read here.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerInFlightProbeCollection
{
    public const string Name = "worker-in-flight-probe";
}
