namespace ImageRec.Operator.Kubernetes;

/// <summary>core/v1 Container, the subset the worker pods use.</summary>
public sealed class Container
{
    public string? Name { get; set; }

    public string? Image { get; set; }

    /// <summary>Always, IfNotPresent or Never.</summary>
    public string? ImagePullPolicy { get; set; }

    public List<string>? Command { get; set; }

    public List<string>? Args { get; set; }

    public List<EnvVar>? Env { get; set; }

    public List<ContainerPort>? Ports { get; set; }

    public ResourceRequirements? Resources { get; set; }

    public SecurityContext? SecurityContext { get; set; }

    public Probe? LivenessProbe { get; set; }

    public Probe? ReadinessProbe { get; set; }

    public Probe? StartupProbe { get; set; }

    public List<VolumeMount>? VolumeMounts { get; set; }

    public Lifecycle? Lifecycle { get; set; }
}

public sealed class EnvVar
{
    public string? Name { get; set; }

    public string? Value { get; set; }

    public EnvVarSource? ValueFrom { get; set; }
}

public sealed class EnvVarSource
{
    public ObjectFieldSelector? FieldRef { get; set; }
}

public sealed class ObjectFieldSelector
{
    /// <summary>e.g. <c>metadata.name</c> or <c>status.podIP</c>.</summary>
    public string? FieldPath { get; set; }
}

public sealed class ContainerPort
{
    public string? Name { get; set; }

    /// <summary>containerPort (a member cannot share its class's name in C#).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("containerPort")]
    public int? Port { get; set; }

    public string? Protocol { get; set; }
}

/// <summary>Limits and requests as quantity strings ("500m", "1Gi", "nvidia.com/gpu": "1").</summary>
public sealed class ResourceRequirements
{
    public Dictionary<string, string>? Limits { get; set; }

    public Dictionary<string, string>? Requests { get; set; }
}

public sealed class SecurityContext
{
    public bool? AllowPrivilegeEscalation { get; set; }

    public bool? ReadOnlyRootFilesystem { get; set; }

    public bool? RunAsNonRoot { get; set; }

    public long? RunAsUser { get; set; }

    public Capabilities? Capabilities { get; set; }

    public SeccompProfile? SeccompProfile { get; set; }
}

public sealed class Capabilities
{
    public List<string>? Add { get; set; }

    public List<string>? Drop { get; set; }
}

public sealed class Probe
{
    public HttpGetAction? HttpGet { get; set; }

    public int? InitialDelaySeconds { get; set; }

    public int? PeriodSeconds { get; set; }

    public int? TimeoutSeconds { get; set; }

    public int? FailureThreshold { get; set; }

    public int? SuccessThreshold { get; set; }
}

public sealed class HttpGetAction
{
    public string? Path { get; set; }

    /// <summary>A number or a named container port.</summary>
    public IntOrString? Port { get; set; }

    public string? Scheme { get; set; }
}

public sealed class VolumeMount
{
    public string? Name { get; set; }

    public string? MountPath { get; set; }

    public bool? ReadOnly { get; set; }
}

public sealed class Lifecycle
{
    public LifecycleHandler? PreStop { get; set; }
}

public sealed class LifecycleHandler
{
    public ExecAction? Exec { get; set; }

    public HttpGetAction? HttpGet { get; set; }

    /// <summary>core/v1 SleepAction (Kubernetes 1.30+): wait before SIGTERM without a shell in the image.</summary>
    public SleepAction? Sleep { get; set; }
}

public sealed class ExecAction
{
    public List<string>? Command { get; set; }
}

public sealed class SleepAction
{
    public long? Seconds { get; set; }
}
