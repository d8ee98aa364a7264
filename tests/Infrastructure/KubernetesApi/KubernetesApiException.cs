using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// A request the double refuses, carrying the <c>Status</c> body the real API server would send
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#response-status-kind).
/// </summary>
public sealed class KubernetesApiException(JsonObject status) : Exception(status["message"]?.GetValue<string>())
{
    public JsonObject Status { get; } = status;

    public int Code => Status["code"]!.GetValue<int>();

    public string Reason => Status["reason"]?.GetValue<string>() ?? "";
}
