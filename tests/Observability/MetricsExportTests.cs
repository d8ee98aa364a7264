using System.Diagnostics.Metrics;
using ImageRec.Common.Observability;
using ImageRec.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Observability;

/// <summary>
/// What the exporter behind every service's <c>/metrics</c> does with each kind of instrument, scraped over
/// HTTP from a host registered the way the services register it (AddImageRecObservability/MapImageRecObservability).
/// </summary>
public sealed class MetricsExportTests
{
    [Fact]
    public async Task Our_instruments_are_served_with_their_names_types_and_buckets()
    {
        var ours = "ImageRec.Test." + Guid.NewGuid().ToString("N");
        var theirs = "Elsewhere.Test." + Guid.NewGuid().ToString("N");
        await using var host = await LoopbackApp.StartAsync(b => b.Services.AddImageRecObservability(), app => app.MapImageRecObservability());
        var meters = host.App.Services.GetRequiredService<IMeterFactory>();
        var meter = meters.Create(ours);
        var counter = meter.CreateCounter<long>("test_jobs", description: "Jobs.");
        var latency = meter.CreateHistogram<double>("test_latency_seconds", "s", "Latency.");
        var advised = meter.CreateHistogram<double>("test_advised_seconds", "s", "Latency with buckets of its own.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 2] });
        var inFlight = meter.CreateUpDownCounter<int>("test_in_flight");
        meter.CreateObservableGauge("test_queue_depth", () => new Measurement<int>(7, new KeyValuePair<string, object?>("state", "visible")));
        meters.Create(theirs).CreateCounter<long>("test_foreign").Add(1);

        // Recorded before the first scrape: the exporter listens from start-up.
        counter.Add(2, new KeyValuePair<string, object?>("status", "succeeded"));
        counter.Add(1, new KeyValuePair<string, object?>("status", "succeeded"));
        counter.Add(1, new KeyValuePair<string, object?>("status", "fa\"iled"));
        latency.Record(0.0625);
        latency.Record(0.5);
        latency.Record(5);
        advised.Record(1);
        inFlight.Add(3);
        inFlight.Add(-1);

        using var http = new HttpClient();
        var metrics = PrometheusExposition.Parse(await http.GetStringAsync(new Uri(host.Address, "metrics")));

        Assert.Equal("counter", metrics.Types["test_jobs_total"]);
        Assert.Equal(3, metrics.Sum("test_jobs_total", ("status", "succeeded")));
        Assert.Equal(1, metrics.Sum("test_jobs_total", ("status", "fa\"iled")));
        Assert.All(metrics.Series("test_jobs_total"), s => Assert.Equal(ours, s.Labels["otel_scope_name"]));

        Assert.Equal("histogram", metrics.Types["test_latency_seconds"]);
        Assert.Equal([.. MetricsExport.SecondsBuckets, double.PositiveInfinity], metrics.BucketBounds("test_latency_seconds"));
        Assert.Equal(1, metrics.Sum("test_latency_seconds_bucket", ("le", "0.1")));
        Assert.Equal(2, metrics.Sum("test_latency_seconds_bucket", ("le", "0.5")));
        Assert.Equal(3, metrics.Sum("test_latency_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(5.5625, metrics.Sum("test_latency_seconds_sum"));
        Assert.Equal(3, metrics.Sum("test_latency_seconds_count"));
        Assert.Equal([0.5, 2, double.PositiveInfinity], metrics.BucketBounds("test_advised_seconds"));

        Assert.Equal("gauge", metrics.Types["test_in_flight"]);
        Assert.Equal(2, metrics.Sum("test_in_flight"));
        Assert.Equal(7, metrics.Sum("test_queue_depth", ("state", "visible")));
        Assert.DoesNotContain(metrics.Samples, s => s.Name.StartsWith("test_foreign", StringComparison.Ordinal));
    }
}
