using System.Globalization;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Kubernetes;
using ImageRec.Operator.Scaling;

namespace ImageRec.Operator.Controllers;

/// <summary>
/// The objects a pool owns, built from its spec: the workers' ServiceAccount (with the IRSA role),
/// their PodDisruptionBudget and their Deployment. Every object carries a controller
/// ownerReference to the pool, so deleting the pool deletes them. The Deployment leaves
/// <c>spec.replicas</c> to the autoscaler's field manager.
/// </summary>
public static class WorkerResourceBuilder
{
    public const string GpuResource = "nvidia.com/gpu";
    public const string NodeGroupLabel = "eks.amazonaws.com/nodegroup";
    private const int HttpPort = 8080;
    private const long NonRootUser = 65532;

    public static ServiceAccount ServiceAccount(RecognitionPool pool) => new()
    {
        Metadata = Metadata(pool, WorkerNames.ServiceAccount(pool),
            pool.Spec.Worker.ServiceAccount.RoleArn is { Length: > 0 } role ? new() { ["eks.amazonaws.com/role-arn"] = role } : null),
        // Workers never call the Kubernetes API.
        AutomountServiceAccountToken = false,
    };

    public static PodDisruptionBudget PodDisruptionBudget(RecognitionPool pool) => new()
    {
        Metadata = Metadata(pool, WorkerNames.PodDisruptionBudget(pool)),
        Spec = new PodDisruptionBudgetSpec
        {
            // Voluntary disruptions (node drains) take one worker at a time; each gets its grace period.
            MaxUnavailable = 1,
            Selector = new LabelSelector { MatchLabels = WorkerNames.Selector(pool) },
        },
    };

    public static Deployment Deployment(RecognitionPool pool)
    {
        var spec = pool.Spec;
        var gpu = spec.Compute.Class == ComputeClass.Gpu;
        var env = WorkerEnvironment.For(pool).Select(v => new EnvVar { Name = v.Key, Value = v.Value }).ToList();
        env.Add(new EnvVar { Name = "Model__CacheDirectory", Value = "/cache" });
        env.Add(new EnvVar { Name = "POD_NAME", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } } });

        var limits = new Dictionary<string, string>(spec.Worker.Resources.Limits);
        var requests = new Dictionary<string, string>(spec.Worker.Resources.Requests);
        if (gpu)
        {
            var gpus = spec.Compute.GpusPerWorker.ToString(CultureInfo.InvariantCulture);
            limits[GpuResource] = gpus;
            requests[GpuResource] = gpus;
        }

        var nodeSelector = new Dictionary<string, string>(spec.Compute.NodeSelector);
        if (spec.Compute.NodeGroup is { Length: > 0 } nodeGroup) nodeSelector[NodeGroupLabel] = nodeGroup;
        var tolerations = spec.Compute.Tolerations.Select(t => new Toleration
        {
            Key = t.Key, Operator = t.Operator, Value = t.Value, Effect = t.Effect, TolerationSeconds = t.TolerationSeconds,
        }).ToList();
        if (gpu && !tolerations.Any(t => t.Key == GpuResource))
            tolerations.Add(new Toleration { Key = GpuResource, Operator = "Exists", Effect = "NoSchedule" });

        return new Deployment
        {
            Metadata = Metadata(pool, WorkerNames.Deployment(pool)),
            Spec = new DeploymentSpec
            {
                Selector = new LabelSelector { MatchLabels = WorkerNames.Selector(pool) },
                // New workers must be ready before old ones stop, so a rollout never drops capacity.
                Strategy = new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 } },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = WorkerNames.Labels(pool) },
                    Spec = new PodSpec
                    {
                        ServiceAccountName = WorkerNames.ServiceAccount(pool),
                        AutomountServiceAccountToken = false,
                        TerminationGracePeriodSeconds = spec.Worker.TerminationGracePeriodSeconds,
                        SecurityContext = new PodSecurityContext
                        {
                            RunAsNonRoot = true, RunAsUser = NonRootUser, RunAsGroup = NonRootUser, FsGroup = NonRootUser,
                            SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
                        },
                        NodeSelector = nodeSelector.Count > 0 ? nodeSelector : null,
                        Tolerations = tolerations.Count > 0 ? tolerations : null,
                        Containers =
                        [
                            new Container
                            {
                                Name = "worker",
                                Image = spec.Worker.Image,
                                ImagePullPolicy = spec.Worker.ImagePullPolicy,
                                Args = ["--urls", $"http://+:{HttpPort}"],
                                Env = env,
                                Ports = [new ContainerPort { Name = "http", Port = HttpPort, Protocol = "TCP" }],
                                Resources = new ResourceRequirements { Limits = limits, Requests = requests },
                                SecurityContext = new SecurityContext
                                {
                                    AllowPrivilegeEscalation = false, ReadOnlyRootFilesystem = true, RunAsNonRoot = true,
                                    Capabilities = new Capabilities { Drop = ["ALL"] },
                                    SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
                                },
                                // Readiness needs the model loaded; startup allows for the model download.
                                StartupProbe = Http("/healthz", period: 2, failures: 60),
                                LivenessProbe = Http("/healthz", period: 10, failures: 3),
                                ReadinessProbe = Http("/readyz", period: 5, failures: 2),
                                VolumeMounts =
                                [
                                    new VolumeMount { Name = "tmp", MountPath = "/tmp" },
                                    new VolumeMount { Name = "cache", MountPath = "/cache" },
                                ],
                            },
                        ],
                        Volumes =
                        [
                            new Volume { Name = "tmp", EmptyDir = new EmptyDirVolumeSource { SizeLimit = "256Mi" } },
                            new Volume { Name = "cache", EmptyDir = new EmptyDirVolumeSource { SizeLimit = "1Gi" } },
                        ],
                    },
                },
            },
        };
    }

    /// <summary>Only <c>spec.replicas</c>: what the autoscaler's field manager applies.</summary>
    public static Deployment Replicas(RecognitionPool pool, int replicas) => new()
    {
        Metadata = new ObjectMeta { Name = WorkerNames.Deployment(pool), Namespace = pool.Namespace },
        Spec = new DeploymentSpec { Replicas = replicas },
    };

    /// <summary>True when <paramref name="metadata"/> names this pool as its controller.</summary>
    public static bool IsControlledBy(ObjectMeta? metadata, RecognitionPool pool) =>
        metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Uid == pool.Metadata?.Uid) == true;

    private static ObjectMeta Metadata(RecognitionPool pool, string name, Dictionary<string, string>? annotations = null) => new()
    {
        Name = name,
        Namespace = pool.Namespace,
        Labels = WorkerNames.Labels(pool),
        Annotations = annotations,
        OwnerReferences =
        [
            new OwnerReference
            {
                ApiVersion = RecognitionPool.ApiVersionValue, Kind = RecognitionPool.KindValue,
                Name = pool.Name, Uid = pool.Metadata?.Uid, Controller = true, BlockOwnerDeletion = true,
            },
        ],
    };

    private static Probe Http(string path, int period, int failures) => new()
    {
        HttpGet = new HttpGetAction { Path = path, Port = "http" },
        PeriodSeconds = period,
        FailureThreshold = failures,
        TimeoutSeconds = 2,
    };
}
