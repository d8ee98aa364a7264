using k8s;
using k8s.Models;

namespace ImageRec.Operator.Entities;

/// <summary>
/// A list of pools as the API server returns one (<c>RecognitionPoolList</c>), and what the
/// operator's <c>GET /status</c> answers, in namespace/name order.
/// </summary>
public sealed class RecognitionPoolList : IKubernetesObject<V1ListMeta>, IItems<RecognitionPool>
{
    public string ApiVersion { get; set; } = RecognitionPool.ApiVersionValue;
    public string Kind { get; set; } = RecognitionPool.KindValue + "List";
    public V1ListMeta Metadata { get; set; } = new();
    public IList<RecognitionPool> Items { get; set; } = [];
}
