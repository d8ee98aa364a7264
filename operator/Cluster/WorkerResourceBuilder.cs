using System.Globalization;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Workers;
using k8s.Models;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// The objects a pool owns, built from its spec: the workers' ServiceAccount (with the IRSA role),
/// their PodDisruptionBudget and their Deployment. Every object carries a controller
/// ownerReference to the pool, so deleting the pool deletes them. The Deployment leaves
/// <c>spec.replicas</c> to the autoscaler's field manager. The objects are the Kubernetes client's
/// models holding only the fields the operator owns, as server-side apply wants them.
/// </summary>
public static class WorkerResourceBuilder
{
    public const string GpuResource = "nvidia.com/gpu";
    public const string NodeGroupLabel = "eks.amazonaws.com/nodegroup";
    private const int HttpPort = 8080;

    /// <summary>Seconds between readiness checks of a worker (the kubelet's; local mode asks a ready worker as often).</summary>
    public const int ReadinessPeriodSeconds = 5;
    private const long NonRootUser = 65532;

    public static V1ServiceAccount ServiceAccount(RecognitionPool pool) => new()
    {
        ApiVersion = V1ServiceAccount.KubeApiVersion,
        Kind = V1ServiceAccount.KubeKind,
        Metadata = Metadata(pool, WorkerNames.ServiceAccount(pool),
            pool.Spec.Worker.ServiceAccount.RoleArn is { Length: > 0 } role ? new() { ["eks.amazonaws.com/role-arn"] = role } : null),
        // Workers never call the Kubernetes API.
        AutomountServiceAccountToken = false,
    };

    public static V1PodDisruptionBudget PodDisruptionBudget(RecognitionPool pool) => new()
    {
        ApiVersion = $"{V1PodDisruptionBudget.KubeGroup}/{V1PodDisruptionBudget.KubeApiVersion}",
        Kind = V1PodDisruptionBudget.KubeKind,
        Metadata = Metadata(pool, WorkerNames.PodDisruptionBudget(pool)),
        Spec = new V1PodDisruptionBudgetSpec
        {
            // Voluntary disruptions (node drains) take one worker at a time; each gets its grace period.
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = WorkerNames.Selector(pool) },
        },
    };

    public static V1Deployment Deployment(RecognitionPool pool)
    {
        var spec = pool.Spec;
        var gpu = spec.Compute.Class == ComputeClass.Gpu;
        var env = WorkerEnvironment.For(pool).Select(v => new V1EnvVar { Name = v.Key, Value = v.Value }).ToList();
        env.Add(new V1EnvVar { Name = "Model__CacheDirectory", Value = "/cache" });
        env.Add(new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } });

        var limits = spec.Worker.Resources.Limits.ToDictionary(p => p.Key, p => new ResourceQuantity(p.Value));
        var requests = spec.Worker.Resources.Requests.ToDictionary(p => p.Key, p => new ResourceQuantity(p.Value));
        if (gpu)
        {
            var gpus = spec.Compute.GpusPerWorker.ToString(CultureInfo.InvariantCulture);
            limits[GpuResource] = new ResourceQuantity(gpus);
            requests[GpuResource] = new ResourceQuantity(gpus);
        }

        var nodeSelector = new Dictionary<string, string>(spec.Compute.NodeSelector);
        if (spec.Compute.NodeGroup is { Length: > 0 } nodeGroup) nodeSelector[NodeGroupLabel] = nodeGroup;
        var tolerations = spec.Compute.Tolerations.Select(t => new V1Toleration
        {
            Key = t.Key, OperatorProperty = t.Operator, Value = t.Value, Effect = t.Effect, TolerationSeconds = t.TolerationSeconds,
        }).ToList();
        if (gpu && !tolerations.Any(t => t.Key == GpuResource))
            tolerations.Add(new V1Toleration { Key = GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" });

        return new V1Deployment
        {
            ApiVersion = $"{V1Deployment.KubeGroup}/{V1Deployment.KubeApiVersion}",
            Kind = V1Deployment.KubeKind,
            Metadata = Metadata(pool, WorkerNames.Deployment(pool)),
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = WorkerNames.Selector(pool) },
                // New workers must be ready before old ones stop, so a rollout never drops capacity.
                Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = WorkerNames.Labels(pool) },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = WorkerNames.ServiceAccount(pool),
                        AutomountServiceAccountToken = false,
                        TerminationGracePeriodSeconds = spec.Worker.TerminationGracePeriodSeconds,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true, RunAsUser = NonRootUser, RunAsGroup = NonRootUser, FsGroup = NonRootUser,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        NodeSelector = nodeSelector.Count > 0 ? nodeSelector : null,
                        Tolerations = tolerations.Count > 0 ? tolerations : null,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "worker",
                                Image = spec.Worker.Image,
                                ImagePullPolicy = spec.Worker.ImagePullPolicy,
                                Args = ["--urls", $"http://+:{HttpPort}"],
                                Env = env,
                                Ports = [new V1ContainerPort { Name = "http", ContainerPort = HttpPort, Protocol = "TCP" }],
                                Resources = new V1ResourceRequirements { Limits = limits, Requests = requests },
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false, ReadOnlyRootFilesystem = true, RunAsNonRoot = true,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                                },
                                // Readiness needs the model loaded; startup allows for the model download.
                                StartupProbe = Http("/healthz", period: 2, failures: 60),
                                LivenessProbe = Http("/healthz", period: 10, failures: 3),
                                ReadinessProbe = Http("/readyz", period: ReadinessPeriodSeconds, failures: 2),
                                VolumeMounts =
                                [
                                    new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
                                    new V1VolumeMount { Name = "cache", MountPath = "/cache" },
                                ],
                            },
                        ],
                        Volumes =
                        [
                            new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("256Mi") } },
                            new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("1Gi") } },
                        ],
                    },
                },
            },
        };
    }

    /// <summary>Only <c>spec.replicas</c>: what the autoscaler's field manager applies.</summary>
    public static V1Deployment Replicas(RecognitionPool pool, int replicas) => new()
    {
        ApiVersion = $"{V1Deployment.KubeGroup}/{V1Deployment.KubeApiVersion}",
        Kind = V1Deployment.KubeKind,
        Metadata = new V1ObjectMeta { Name = WorkerNames.Deployment(pool), NamespaceProperty = pool.Namespace },
        Spec = new V1DeploymentSpec { Replicas = replicas },
    };

    /// <summary>True when <paramref name="metadata"/> names this pool as its controller.</summary>
    public static bool IsControlledBy(V1ObjectMeta? metadata, RecognitionPool pool) =>
        metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Uid == pool.Metadata?.Uid) == true;

    private static V1ObjectMeta Metadata(RecognitionPool pool, string name, Dictionary<string, string>? annotations = null) => new()
    {
        Name = name,
        NamespaceProperty = pool.Namespace,
        Labels = WorkerNames.Labels(pool),
        Annotations = annotations,
        OwnerReferences =
        [
            new V1OwnerReference
            {
                ApiVersion = RecognitionPool.ApiVersionValue, Kind = RecognitionPool.KindValue,
                Name = pool.Name, Uid = pool.Metadata?.Uid, Controller = true, BlockOwnerDeletion = true,
            },
        ],
    };

    private static V1Probe Http(string path, int period, int failures) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
        PeriodSeconds = period,
        FailureThreshold = failures,
        TimeoutSeconds = 2,
    };
}
