using ImageRec.Operator.Entities;

namespace ImageRec.Operator.Cluster;

/// <summary>Names and labels of what the operator creates for a pool, in one place.</summary>
public static class WorkerNames
{
    public const string PoolLabel = "imagerec.io/pool";
    public const string FieldManager = "imagerec-operator";

    /// <summary>A second field manager owns only <c>spec.replicas</c>, the way an HPA does, so the two never fight.</summary>
    public const string ScaleFieldManager = "imagerec-operator-autoscaler";

    public const string PodDeletionCost = "controller.kubernetes.io/pod-deletion-cost";

    public static string Deployment(RecognitionPool pool) => $"{pool.Name}-worker";
    public static string PodDisruptionBudget(RecognitionPool pool) => $"{pool.Name}-worker";

    public static string ServiceAccount(RecognitionPool pool) =>
        pool.Spec.Worker.ServiceAccount is { Create: false, Name: { Length: > 0 } name } ? name : $"{pool.Name}-worker";

    /// <summary>Labels on every object and pod of the pool; the selector uses the two that never change.</summary>
    public static Dictionary<string, string> Labels(RecognitionPool pool) => new()
    {
        ["app.kubernetes.io/name"] = "imagerec-worker",
        ["app.kubernetes.io/instance"] = pool.Name,
        ["app.kubernetes.io/component"] = "worker",
        ["app.kubernetes.io/managed-by"] = "imagerec-operator",
        [PoolLabel] = pool.Name,
    };

    public static Dictionary<string, string> Selector(RecognitionPool pool) => new()
    {
        ["app.kubernetes.io/name"] = "imagerec-worker",
        [PoolLabel] = pool.Name,
    };

    public static string SelectorText(RecognitionPool pool) =>
        string.Join(",", Selector(pool).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Every object the operator made for any pool: what its Deployment informer watches.</summary>
    public const string ManagedSelector = "app.kubernetes.io/managed-by=imagerec-operator," + PoolLabel;
}
