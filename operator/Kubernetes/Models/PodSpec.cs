namespace ImageRec.Operator.Kubernetes;

/// <summary>core/v1 PodSpec, the subset the worker Deployment's template uses (affinity left out).</summary>
public sealed class PodSpec
{
    public string? ServiceAccountName { get; set; }

    public bool? AutomountServiceAccountToken { get; set; }

    public long? TerminationGracePeriodSeconds { get; set; }

    public PodSecurityContext? SecurityContext { get; set; }

    public Dictionary<string, string>? NodeSelector { get; set; }

    public List<Toleration>? Tolerations { get; set; }

    public List<Container>? Containers { get; set; }

    public List<Volume>? Volumes { get; set; }

    /// <summary>Set by the scheduler; read from Pods only.</summary>
    public string? NodeName { get; set; }
}

public sealed class PodTemplateSpec
{
    public ObjectMeta? Metadata { get; set; }

    public PodSpec? Spec { get; set; }
}

public sealed class PodSecurityContext
{
    public bool? RunAsNonRoot { get; set; }

    public long? RunAsUser { get; set; }

    public long? RunAsGroup { get; set; }

    public long? FsGroup { get; set; }

    public SeccompProfile? SeccompProfile { get; set; }
}

public sealed class SeccompProfile
{
    /// <summary>RuntimeDefault, Localhost or Unconfined.</summary>
    public string? Type { get; set; }

    public string? LocalhostProfile { get; set; }
}

public sealed class Toleration
{
    public string? Key { get; set; }

    /// <summary>Exists or Equal.</summary>
    public string? Operator { get; set; }

    public string? Value { get; set; }

    /// <summary>NoSchedule, PreferNoSchedule or NoExecute.</summary>
    public string? Effect { get; set; }

    public long? TolerationSeconds { get; set; }
}

public sealed class Volume
{
    public string? Name { get; set; }

    public EmptyDirVolumeSource? EmptyDir { get; set; }
}

public sealed class EmptyDirVolumeSource
{
    /// <summary>"" (node disk) or "Memory" (tmpfs).</summary>
    public string? Medium { get; set; }

    /// <summary>A quantity, e.g. "1Gi".</summary>
    public string? SizeLimit { get; set; }
}
