using System.Net;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// The API server answered with an error; <see cref="Status"/> is its meta/v1 Status body when it sent
/// one (https://kubernetes.io/docs/reference/using-api/api-concepts/#response-status-kind).
/// </summary>
public class KubernetesApiException : Exception
{
    public KubernetesApiException(HttpStatusCode statusCode, KubernetesStatus? status, string? fallbackMessage = null, Exception? innerException = null)
        : base(Describe(statusCode, status, fallbackMessage), innerException)
    {
        StatusCode = statusCode;
        Status = status;
    }

    public HttpStatusCode StatusCode { get; }

    public KubernetesStatus? Status { get; }

    /// <summary>The Status reason (see <see cref="KubernetesStatusReasons"/>), or one derived from the HTTP status.</summary>
    public string Reason => Status?.Reason is { Length: > 0 } reason ? reason : ReasonFor(StatusCode);

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    public bool IsConflict => StatusCode == HttpStatusCode.Conflict;

    public bool IsForbidden => StatusCode == HttpStatusCode.Forbidden;

    public bool IsInvalid => StatusCode == HttpStatusCode.UnprocessableEntity;

    public bool IsGone => StatusCode == HttpStatusCode.Gone;

    /// <summary>Throttling, server errors and timeouts: the same call may succeed later.</summary>
    public bool IsTransient => StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.GatewayTimeout
        or HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway;

    /// <summary>The exception type for an error response: 409 → <see cref="ConflictException"/>, 410 → <see cref="ResourceVersionExpiredException"/>.</summary>
    public static KubernetesApiException Create(HttpStatusCode statusCode, KubernetesStatus? status, string? fallbackMessage = null) => statusCode switch
    {
        HttpStatusCode.Conflict => new ConflictException(status, fallbackMessage),
        HttpStatusCode.Gone => new ResourceVersionExpiredException(status, fallbackMessage),
        _ => new KubernetesApiException(statusCode, status, fallbackMessage),
    };

    private static string ReasonFor(HttpStatusCode code) => code switch
    {
        HttpStatusCode.NotFound => KubernetesStatusReasons.NotFound,
        HttpStatusCode.Conflict => KubernetesStatusReasons.Conflict,
        HttpStatusCode.Forbidden => KubernetesStatusReasons.Forbidden,
        HttpStatusCode.Unauthorized => KubernetesStatusReasons.Unauthorized,
        HttpStatusCode.UnprocessableEntity => KubernetesStatusReasons.Invalid,
        HttpStatusCode.Gone => KubernetesStatusReasons.Expired,
        HttpStatusCode.TooManyRequests => KubernetesStatusReasons.TooManyRequests,
        _ => code.ToString(),
    };

    private static string Describe(HttpStatusCode code, KubernetesStatus? status, string? fallback) =>
        $"Kubernetes API {(int)code} {status?.Reason ?? ReasonFor(code)}: {status?.Message ?? fallback ?? "(no message)"}";
}

/// <summary>
/// 409: another writer changed the object since we read it (stale metadata.resourceVersion), or
/// AlreadyExists on create. Re-read and try again.
/// </summary>
public sealed class ConflictException(KubernetesStatus? status, string? fallbackMessage = null)
    : KubernetesApiException(HttpStatusCode.Conflict, status, fallbackMessage)
{
    public bool AlreadyExists => Status?.Reason == KubernetesStatusReasons.AlreadyExists;
}

/// <summary>
/// 410 Gone: the resourceVersion a watch (or list) asked for is older than the server keeps; relist
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#410-gone-responses).
/// </summary>
public sealed class ResourceVersionExpiredException(KubernetesStatus? status, string? fallbackMessage = null)
    : KubernetesApiException(HttpStatusCode.Gone, status, fallbackMessage);
