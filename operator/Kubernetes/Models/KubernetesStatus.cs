namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// meta/v1 Status: the body of every error response and of watch ERROR events
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#response-status-kind).
/// </summary>
public sealed class KubernetesStatus
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    /// <summary>"Success" or "Failure".</summary>
    public string? Status { get; set; }

    public string? Message { get; set; }

    /// <summary>Machine-readable cause, see <see cref="KubernetesStatusReasons"/>.</summary>
    public string? Reason { get; set; }

    public int? Code { get; set; }
}

/// <summary>The meta/v1 StatusReason values the operator acts on.</summary>
public static class KubernetesStatusReasons
{
    public const string NotFound = "NotFound";
    public const string AlreadyExists = "AlreadyExists";
    public const string Conflict = "Conflict";
    public const string Forbidden = "Forbidden";
    public const string Unauthorized = "Unauthorized";
    public const string Invalid = "Invalid";
    public const string Expired = "Expired";
    public const string Gone = "Gone";
    public const string TooManyRequests = "TooManyRequests";
}
