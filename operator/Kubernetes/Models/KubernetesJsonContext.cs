using System.Text.Json.Serialization;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// Source-generated (reflection-free) JSON metadata for the built-in types the operator uses.
/// camelCase names as the API writes them; nulls omitted so apply patches claim only the fields we set.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(ServiceAccount))]
[JsonSerializable(typeof(PodDisruptionBudget))]
[JsonSerializable(typeof(Event))]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(KubernetesStatus))]
[JsonSerializable(typeof(ListMeta))]
[JsonSerializable(typeof(ObjectMeta))]
[JsonSerializable(typeof(PartialObjectMetadata))]
[JsonSerializable(typeof(ExecCredential))]
public sealed partial class KubernetesJsonContext : JsonSerializerContext;
