using ImageRec.Operator.Entities;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Operator.Controllers;

/// <summary>The RecognitionPool custom resource as the Kubernetes client addresses it.</summary>
public static class RecognitionPoolResource
{
    public static KubernetesResource<RecognitionPool> Descriptor { get; } =
        new("imagerec.io", "v1alpha1", "recognitionpools", RecognitionPool.KindValue, namespaced: true, EntityJson.Default.RecognitionPool);
}
