using System.Net;
using k8s;
using k8s.Autorest;

namespace ImageRec.Operator.Cluster;

/// <summary>
/// What the API server answered, read from the Kubernetes client's exceptions: an HTTP error is an
/// <see cref="HttpOperationException"/>; an ERROR event inside a watch stream is a <see cref="KubernetesException"/>.
/// </summary>
public static class KubernetesErrors
{
    public static bool IsNotFound(this Exception e) => StatusCodeOf(e) == HttpStatusCode.NotFound;

    public static bool IsConflict(this Exception e) => StatusCodeOf(e) == HttpStatusCode.Conflict;

    /// <summary>410 Gone: the resourceVersion asked for is older than the server keeps; relist.</summary>
    public static bool IsGone(this Exception e) => StatusCodeOf(e) == HttpStatusCode.Gone;

    public static HttpStatusCode? StatusCodeOf(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } => response.StatusCode,
        KubernetesException { Status.Code: { } code } => (HttpStatusCode)code,
        _ => null,
    };

    /// <summary>A short label for metrics and logs: the HTTP status name, or the exception type for transport errors.</summary>
    public static string ReasonOf(Exception e) => StatusCodeOf(e)?.ToString() ?? e.GetType().Name;
}
