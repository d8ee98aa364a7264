namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// The built-in resource types the operator uses. Custom resources are declared the same way with the
/// caller's own JsonTypeInfo, e.g.
/// <c>new KubernetesResource&lt;RecognitionPool&gt;("imagerec.io", "v1alpha1", "recognitionpools", "RecognitionPool", namespaced: true, MyJsonContext.Default.RecognitionPool)</c>.
/// </summary>
public static class KubernetesResources
{
    public static readonly KubernetesResource<Deployment> Deployments =
        new("apps", "v1", "deployments", "Deployment", namespaced: true, KubernetesJsonContext.Default.Deployment);

    public static readonly KubernetesResource<Pod> Pods =
        new("", "v1", "pods", "Pod", namespaced: true, KubernetesJsonContext.Default.Pod);

    public static readonly KubernetesResource<ServiceAccount> ServiceAccounts =
        new("", "v1", "serviceaccounts", "ServiceAccount", namespaced: true, KubernetesJsonContext.Default.ServiceAccount);

    public static readonly KubernetesResource<PodDisruptionBudget> PodDisruptionBudgets =
        new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", namespaced: true, KubernetesJsonContext.Default.PodDisruptionBudget);

    public static readonly KubernetesResource<Event> Events =
        new("events.k8s.io", "v1", "events", "Event", namespaced: true, KubernetesJsonContext.Default.Event);

    public static readonly KubernetesResource<Lease> Leases =
        new("coordination.k8s.io", "v1", "leases", "Lease", namespaced: true, KubernetesJsonContext.Default.Lease);
}
