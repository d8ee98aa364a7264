using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace ImageRec.Operator.Entities;

[Description("The desired state of a pool of recognition workers that take jobs from one SQS queue.")]
public sealed class RecognitionPoolSpec
{
    [Required, Description("The SQS queue the workers take jobs from; its depth drives scaling.")]
    public QueueSpec Queue { get; set; } = new();

    [Required, Description("Buckets the workers read inputs from and write results to, and the image index they record outcomes in.")]
    public StorageSpec Storage { get; set; } = new();

    [Required, Description("The ONNX classifier the workers run.")]
    public ModelSpec Model { get; set; } = new();

    [Description("The worker pods: image, resources, identity, batching.")]
    public WorkerSpec Worker { get; set; } = new();

    [Description("Where workers run: general-purpose or GPU nodes of an EKS managed node group.")]
    public ComputeSpec Compute { get; set; } = new();

    [Description("How the number of workers follows the queue depth.")]
    public ScalingSpec Scaling { get; set; } = new();
}

public sealed class QueueSpec
{
    [Required, MinLength(1), Description("Queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/imagerec-requests.")]
    public string Url { get; set; } = "";

    [DefaultValue("us-east-1"), Description("AWS region of the queue and buckets.")]
    public string Region { get; set; } = "us-east-1";

    [Description("Endpoint override for SQS and S3 (an emulator such as fauxqs); leave empty on AWS.")]
    public string? Endpoint { get; set; }
}

public sealed class StorageSpec
{
    [Required, MinLength(3), Description("Bucket holding uploaded images ({owner}/{id}).")]
    public string InputBucket { get; set; } = "";

    [Required, MinLength(3), Description("Bucket the workers write results to ({owner}/{id}.json).")]
    public string ResultBucket { get; set; } = "";

    [DefaultValue(DefaultIndexTable), Pattern("^[A-Za-z0-9_.-]{3,255}$"),
     Description("DynamoDB table of the image index (the web tier's), where the workers record each job's outcome; created from deploy/eks/image-index-table.json.")]
    public string IndexTable { get; set; } = DefaultIndexTable;

    /// <summary>The table's default name, the same as the services' (<c>Index:TableName</c>) and the chart's (<c>index.tableName</c>).</summary>
    public const string DefaultIndexTable = "imagerec-images";
}

public sealed class ModelSpec
{
    [Required, Pattern("^(s3://[^/]+/.+|/.+)$"), Description("Model file: s3://bucket/key, or a path inside the worker image.")]
    public string Uri { get; set; } = "";

    [Required, Pattern("^(s3://[^/]+/.+|/.+)$"), Description("Class names, one per line in class-index order: s3://bucket/key or a path.")]
    public string LabelsUri { get; set; } = "";

    [Pattern("^[a-f0-9]{64}$"), Description("Expected SHA-256 of the model file (lowercase hex); workers refuse a different file.")]
    public string? Sha256 { get; set; }
}

public sealed class WorkerSpec
{
    [DefaultValue("ghcr.io/imagerec/worker:latest"), Description("Worker container image (use the -gpu variant for compute.class gpu).")]
    public string Image { get; set; } = "ghcr.io/imagerec/worker:latest";

    [Description("Image pull policy: Always, IfNotPresent or Never.")]
    public string? ImagePullPolicy { get; set; }

    [Description("CPU and memory requests and limits of each worker container.")]
    public ResourcesSpec Resources { get; set; } = new();

    [Description("The workers' Kubernetes ServiceAccount and its AWS role (IRSA).")]
    public ServiceAccountSpec ServiceAccount { get; set; } = new();

    [DefaultValue(8), Range(1, 64), Description("Most SQS messages one model run takes; above 10 a worker gathers several receives into one batch. With the input bucket notifying the queue, an upload through the web tier is two messages (its job, and its event, which is dropped), so a batch runs about half as many images.")]
    public int BatchSize { get; set; } = 8;

    [DefaultValue(0), Range(0, 1000), Description("How long a worker may wait for a fuller batch after the first jobs arrived (dynamic batching; e.g. 20 on GPUs). 0 runs what one receive brought.")]
    public int BatchWaitMilliseconds { get; set; }

    [DefaultValue(60), Range(5, 3600), Description("Seconds a worker has after SIGTERM to finish or release the jobs it holds.")]
    public int TerminationGracePeriodSeconds { get; set; } = 60;
}

public sealed class ResourcesSpec
{
    [Description("Requested resources, e.g. {cpu: \"1\", memory: 512Mi}.")]
    public Dictionary<string, string> Requests { get; set; } = new() { ["cpu"] = "1", ["memory"] = "512Mi" };

    [Description("Resource limits, e.g. {memory: 1Gi}. nvidia.com/gpu is added for compute.class gpu.")]
    public Dictionary<string, string> Limits { get; set; } = new() { ["memory"] = "1Gi" };
}

public sealed class ServiceAccountSpec
{
    [DefaultValue(true), Description("Create a ServiceAccount for the workers (named after the pool).")]
    public bool Create { get; set; } = true;

    [Description("Use this existing ServiceAccount instead (with create: false).")]
    public string? Name { get; set; }

    [Pattern("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"), Description("IAM role for the workers (IRSA eks.amazonaws.com/role-arn annotation).")]
    public string? RoleArn { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ComputeClass>))]
public enum ComputeClass
{
    [JsonStringEnumMemberName("general-purpose")] GeneralPurpose,
    [JsonStringEnumMemberName("gpu")] Gpu,
}

[ValidationRule("self.class == 'gpu' || !has(self.requireGpu) || !self.requireGpu", "requireGpu needs class: gpu")]
public sealed class ComputeSpec
{
    [DefaultValue("general-purpose"), Description("general-purpose (CPU) or gpu (CUDA; nvidia.com/gpu limits, GPU taint toleration).")]
    public ComputeClass Class { get; set; } = ComputeClass.GeneralPurpose;

    [Description("Name of the EKS managed node group to run on (eks.amazonaws.com/nodegroup).")]
    public string? NodeGroup { get; set; }

    [Description("Extra node labels the workers must run on, e.g. node.kubernetes.io/instance-type: g5.xlarge.")]
    public Dictionary<string, string> NodeSelector { get; set; } = [];

    [Description("Extra tolerations (the nvidia.com/gpu taint is tolerated automatically for class gpu).")]
    public List<TolerationSpec> Tolerations { get; set; } = [];

    [DefaultValue(1), Range(1, 8), Description("GPUs per worker for class gpu.")]
    public int GpusPerWorker { get; set; } = 1;

    [DefaultValue(false), Description("For class gpu: fail a worker that cannot use CUDA instead of falling back to CPU with a warning.")]
    public bool RequireGpu { get; set; }
}

public sealed class TolerationSpec
{
    [Description("Taint key to tolerate; empty with operator Exists tolerates every taint.")]
    public string? Key { get; set; }

    [Description("Exists or Equal.")]
    public string? Operator { get; set; }

    public string? Value { get; set; }

    [Description("NoSchedule, PreferNoSchedule or NoExecute; empty matches all.")]
    public string? Effect { get; set; }

    public long? TolerationSeconds { get; set; }
}

[ValidationRule("self.minReplicas <= self.maxReplicas", "minReplicas must not exceed maxReplicas")]
public sealed class ScalingSpec
{
    [DefaultValue(0), Range(0, 1000), Description("Fewest workers; 0 lets the pool scale to zero when the queue is empty.")]
    public int MinReplicas { get; set; }

    [DefaultValue(20), Range(1, 1000), Description("Most workers.")]
    public int MaxReplicas { get; set; } = 20;

    [DefaultValue(10), Range(1, 100000), Description("Target backlog per worker: desired = ceil(backlog / messagesPerReplica).")]
    public int MessagesPerReplica { get; set; } = 10;

    [DefaultValue(1), Range(1, 100000), Description("Messages needed to wake a pool scaled to zero (0 → 1).")]
    public int ActivationMessages { get; set; } = 1;

    [DefaultValue(true), Description("Count messages being processed (in flight) in the backlog, not only waiting ones.")]
    public bool CountInFlight { get; set; } = true;

    [DefaultValue("2s"), Pattern(GoDuration.Pattern), Description("How often the queue depth is read (Go duration, e.g. 2s, 500ms, 1m).")]
    public string PollInterval { get; set; } = "2s";

    [DefaultValue("30s"), Pattern(GoDuration.Pattern), Description("A lower worker count must hold this long before the pool scales in.")]
    public string ScaleDownStabilization { get; set; } = "30s";
}
