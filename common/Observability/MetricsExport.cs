using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ImageRec.Common.Observability;

/// <summary>
/// The services' metrics on <c>/metrics</c>, through OpenTelemetry's Prometheus exporter
/// (OpenTelemetry.Exporter.Prometheus.AspNetCore) rather than a hand-written exposition.
/// <para>Why this exporter and not prometheus-net: it keeps our instrument names as metric names
/// (<c>imagerec_worker_jobs</c> becomes <c>imagerec_worker_jobs_total</c>, histograms get
/// <c>_bucket</c>/<c>_sum</c>/<c>_count</c>), so the Grafana dashboard's queries stay as they are; it exports
/// counters as counters, honours an instrument's bucket advice, and listens from start-up, so nothing
/// recorded before the first scrape is lost. prometheus-net renames adapted instruments (meter plus
/// instrument), exports counters as gauges, uses its own buckets and records nothing before the
/// first scrape: every dashboard query would change and early measurements would be missing. The
/// services already trace with OpenTelemetry, so this adds no new family of packages.</para>
/// <para>What it costs: every series carries an <c>otel_scope_name</c> label (the meter), which the
/// dashboard's aggregations ignore, and OpenTelemetry's default histogram buckets are meant for
/// milliseconds, so <see cref="SecondsBuckets"/> is applied by a view to our histograms in seconds.</para>
/// </summary>
public static class MetricsExport
{
    /// <summary>Our meters: ImageRec.WebTier, ImageRec.Worker, ImageRec.Operator, and any later ImageRec.*.</summary>
    public const string MeterPattern = "ImageRec.*";

    /// <summary>Latency buckets (seconds) for our histograms with unit <c>s</c> and no bucket advice of their own.</summary>
    public static IReadOnlyList<double> SecondsBuckets { get; } =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>Registers the meter provider (started and stopped with the host) and the Prometheus exporter.</summary>
    public static IServiceCollection AddImageRecMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeterPattern)
            .AddView(SecondsView)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>The seconds buckets for a histogram of ours measured in seconds that brings no advice; the defaults otherwise.</summary>
    internal static MetricStreamConfiguration? SecondsView(Instrument instrument) =>
        instrument is Histogram<double> { Unit: "s", Advice: null }
            ? new ExplicitBucketHistogramConfiguration { Boundaries = [.. SecondsBuckets] }
            : null;
}
