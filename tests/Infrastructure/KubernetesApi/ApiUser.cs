namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// Who a bearer token belongs to and what they may do: an administrator (system:masters, everything), or a user or
/// service account bound to a ClusterRole — cluster-wide like a ClusterRoleBinding, or in one namespace like a RoleBinding.
/// </summary>
public sealed record ApiUser(string Name, ClusterRole? Role, string? BindingNamespace = null)
{
    public bool IsAdmin => Role is null;

    public static string ServiceAccountName(string ns, string name) => $"system:serviceaccount:{ns}:{name}";

    public bool Allows(RequestAttributes request) =>
        IsAdmin || ((BindingNamespace is null || BindingNamespace == request.Namespace) && Role!.Allows(request));
}
