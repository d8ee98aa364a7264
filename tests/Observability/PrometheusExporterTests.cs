using System.Diagnostics.Metrics;
using ImageRec.Common.Observability;

namespace ImageRec.Tests.Observability;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void Renders_counters_gauges_and_histograms_in_text_format()
    {
        var prefix = "ImageRec.Test." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(prefix);
        using var meter = new Meter(prefix);
        var counter = meter.CreateCounter<long>("test_jobs", description: "Jobs.");
        var histogram = meter.CreateHistogram<double>("test_latency_seconds", "s", "Latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        var inFlight = meter.CreateUpDownCounter<int>("test_in_flight");
        meter.CreateObservableGauge("test_queue_depth", () => new Measurement<int>(7, new KeyValuePair<string, object?>("state", "visible")));

        counter.Add(2, new KeyValuePair<string, object?>("status", "succeeded"));
        counter.Add(1, new KeyValuePair<string, object?>("status", "succeeded"));
        counter.Add(1, new KeyValuePair<string, object?>("status", "fa\"iled"));
        histogram.Record(0.0625);
        histogram.Record(0.5);
        histogram.Record(5);
        inFlight.Add(3);
        inFlight.Add(-1);

        var text = exporter.Scrape();
        Assert.Contains("# TYPE test_jobs_total counter\n", text);
        Assert.Contains("test_jobs_total{status=\"succeeded\"} 3\n", text);
        Assert.Contains("test_jobs_total{status=\"fa\\\"iled\"} 1\n", text);
        Assert.Contains("# TYPE test_latency_seconds histogram\n", text);
        Assert.Contains("test_latency_seconds_bucket{le=\"0.1\"} 1\n", text);
        Assert.Contains("test_latency_seconds_bucket{le=\"1\"} 2\n", text);
        Assert.Contains("test_latency_seconds_bucket{le=\"+Inf\"} 3\n", text);
        Assert.Contains("test_latency_seconds_sum 5.5625\n", text);
        Assert.Contains("test_latency_seconds_count 3\n", text);
        Assert.Contains("# TYPE test_in_flight gauge\ntest_in_flight 2\n", text);
        Assert.Contains("test_queue_depth{state=\"visible\"} 7\n", text);
    }

    [Fact]
    public void Ignores_meters_of_other_libraries()
    {
        using var exporter = new PrometheusExporter("ImageRec.Test.Only");
        using var meter = new Meter("SomeoneElse." + Guid.NewGuid());
        meter.CreateCounter<long>("foreign_total").Add(1);
        Assert.DoesNotContain("foreign", exporter.Scrape());
    }
}
