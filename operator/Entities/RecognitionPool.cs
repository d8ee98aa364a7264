using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using KubernetesEntityAttribute = ImageRec.Operator.Entities.KubernetesEntityAttribute;

namespace ImageRec.Operator.Entities;

/// <summary>
/// A pool of recognition workers fed by one SQS queue. The operator owns the worker Deployment,
/// ServiceAccount and PodDisruptionBudget of each pool and scales the workers on the queue depth.
/// The CRD in crds/ is generated from this type (<c>make crds</c>). It implements the Kubernetes
/// client's object interfaces, as the client's custom-resource examples do, so the client's generic
/// calls, serializer and metadata helpers take it like a built-in kind.
/// </summary>
[KubernetesEntity("imagerec.io", "v1alpha1", "RecognitionPool", "recognitionpools", ShortNames = ["rpool"], Categories = ["imagerec"])]
[Description("RecognitionPool runs image-recognition workers that take jobs from an SQS queue and scales them on its depth.")]
[PrinterColumn("Desired", "integer", ".status.desiredReplicas", Description = "Workers the autoscaler wants")]
[PrinterColumn("Ready", "integer", ".status.readyReplicas", Description = "Workers ready")]
[PrinterColumn("Queue", "integer", ".status.queue.visible", Description = "Messages waiting")]
[PrinterColumn("Class", "string", ".spec.compute.class", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class RecognitionPool : IKubernetesObject<V1ObjectMeta>, ISpec<RecognitionPoolSpec>, IStatus<RecognitionPoolStatus?>
{
    public const string ApiVersionValue = "imagerec.io/v1alpha1";
    public const string KindValue = "RecognitionPool";

    public const string Group = "imagerec.io";
    public const string Version = "v1alpha1";
    public const string Plural = "recognitionpools";

    public string ApiVersion { get; set; } = ApiVersionValue;
    public string Kind { get; set; } = KindValue;
    public V1ObjectMeta Metadata { get; set; } = new();
    public RecognitionPoolSpec Spec { get; set; } = new();
    public RecognitionPoolStatus? Status { get; set; }

    [JsonIgnore] public string Name => Metadata?.Name ?? "";
    [JsonIgnore] public string Namespace => Metadata?.NamespaceProperty ?? "";
    [JsonIgnore] public long Generation => Metadata?.Generation ?? 0;
}
