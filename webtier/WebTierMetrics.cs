using System.Diagnostics.Metrics;

namespace ImageRec.WebTier;

/// <summary>The web tier's instruments; exported on /metrics.</summary>
public sealed class WebTierMetrics
{
    public const string MeterName = "ImageRec.WebTier";

    public Counter<long> Uploads { get; }
    public Histogram<double> StoreSeconds { get; }
    public Histogram<double> ResultWaitSeconds { get; }
    public Counter<long> JobsRequeued { get; }

    public WebTierMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        Uploads = meter.CreateCounter<long>("imagerec_webtier_uploads", description: "Uploads by outcome (accepted, or the rejection reason).");
        StoreSeconds = meter.CreateHistogram<double>("imagerec_webtier_store_seconds", "s", "Time to store an upload in S3 and enqueue its job.");
        JobsRequeued = meter.CreateCounter<long>("imagerec_webtier_jobs_requeued", description: "Jobs of stored uploads with no result queued again by the sweeper.");
        ResultWaitSeconds = meter.CreateHistogram<double>("imagerec_webtier_result_wait_seconds", "s", "Time a synchronous upload waited for its result, by how it arrived (reply, s3, timeout).");
    }
}
