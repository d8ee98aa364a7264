using System.Diagnostics.Metrics;

namespace ImageRec.Worker.Processing;

/// <summary>The worker's instruments; exported on /metrics.</summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "ImageRec.Worker";

    public Counter<long> JobsCompleted { get; }
    public Histogram<double> QueueSeconds { get; }
    public Histogram<double> DecodeSeconds { get; }
    public Histogram<double> InferenceSeconds { get; }
    public Histogram<int> BatchSize { get; }
    public UpDownCounter<int> InFlight { get; }
    public Counter<long> TransientErrors { get; }
    public Counter<long> Redelivered { get; }

    public WorkerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        JobsCompleted = meter.CreateCounter<long>("imagerec_worker_jobs", description: "Jobs finished, by status (succeeded, failed).");
        QueueSeconds = meter.CreateHistogram<double>("imagerec_worker_queue_seconds", "s", "Time from upload to the worker picking the job up.");
        DecodeSeconds = meter.CreateHistogram<double>("imagerec_worker_decode_seconds", "s", "Decode and preprocess time per image.");
        InferenceSeconds = meter.CreateHistogram<double>("imagerec_worker_inference_seconds", "s", "Model run time per batch.");
        BatchSize = meter.CreateHistogram<int>("imagerec_worker_batch_size", description: "Images per model run.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 10, 16, 32] });
        InFlight = meter.CreateUpDownCounter<int>("imagerec_worker_in_flight", description: "Jobs received and not yet finished.");
        TransientErrors = meter.CreateCounter<long>("imagerec_worker_transient_errors", description: "Jobs left for redelivery after a transient S3/SQS/DynamoDB error, by stage.");
        Redelivered = meter.CreateCounter<long>("imagerec_worker_jobs_redelivered", description: "Jobs received again because an earlier receive did not finish them (a worker crashed, or an S3/SQS error left them).");
    }
}
