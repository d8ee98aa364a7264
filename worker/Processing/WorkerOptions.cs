using ImageRec.Worker.Imaging;

namespace ImageRec.Worker.Processing;

/// <summary>How the worker pulls and processes jobs. Section <c>Worker</c>.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Messages per ReceiveMessage call (SQS allows at most 10).</summary>
    public int MaxMessages { get; set; } = 10;

    /// <summary>
    /// Most images per model run. Above 10 (one ReceiveMessage's limit) the worker gathers several
    /// receives into one batch, within <see cref="BatchWaitMilliseconds"/>: larger batches pay off on GPUs.
    /// </summary>
    public int MaxBatchSize { get; set; } = 10;

    /// <summary>
    /// How long to keep gathering messages for a fuller batch after the first ones arrived (Triton-style
    /// dynamic batching); 0 runs whatever one receive brought.
    /// </summary>
    public int BatchWaitMilliseconds { get; set; }

    /// <summary>
    /// How long received messages stay invisible to other workers; a heartbeat renews it while a batch is
    /// being worked on, so this bounds how soon a crashed worker's jobs come back, not how long a job may take.
    /// </summary>
    public int VisibilityTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// First delay before a job that met a transient S3/SQS error is tried again; doubles with each receive,
    /// with jitter, up to <see cref="VisibilityTimeoutSeconds"/> (see <see cref="RetryBackoff"/>).
    /// </summary>
    public int RetryBaseDelaySeconds { get; set; } = 1;

    /// <summary>
    /// How long the worker may take to stop on SIGTERM: the long poll in flight (up to <see cref="WaitTimeSeconds"/>)
    /// plus the batches being processed. Keep it below the pod's termination grace period (60 s by default).
    /// </summary>
    public int ShutdownTimeoutSeconds { get; set; } = 50;

    /// <summary>Long-poll wait per ReceiveMessage call, in seconds (SQS allows at most 20).</summary>
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>
    /// Batches worked on at once, each decoded and run by its own share of the cores (see <see cref="LanePlan"/>);
    /// 0 means one per core on CPU and one with CUDA.
    /// </summary>
    public int Lanes { get; set; }

    /// <summary>Threads that decode and preprocess the images of one batch; 0 means the lane's share of the cores.</summary>
    public int DecodeParallelism { get; set; }

    /// <summary>Concurrent S3 downloads and uploads per batch.</summary>
    public int IoParallelism { get; set; } = 10;

    /// <summary>Largest input the worker will download; larger objects fail the job instead of exhausting memory.</summary>
    public long MaxInputBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Most pixels (width × height, from the header) the worker decodes; more fails the job (too-many-pixels).
    /// The web tier's <c>Uploads:MaxPixels</c> default, so an image that bypassed it (an S3 event) is judged alike.
    /// </summary>
    public long MaxPixels { get; set; } = ImageDecoder.DefaultMaxPixels;
}
