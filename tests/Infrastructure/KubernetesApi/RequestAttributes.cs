namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// What a resource request asks to do, in the authorizer's terms: verb (get, list, watch, create, update, patch,
/// delete, deletecollection), API group, resource, subresource, namespace and name
/// (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb).
/// </summary>
public sealed record RequestAttributes(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name)
{
    /// <summary>The reason the real authorizer gives (forbiddenMessage in k8s.io/apiserver).</summary>
    public string ForbiddenReason(string user)
    {
        var resource = string.IsNullOrEmpty(Subresource) ? Resource : $"{Resource}/{Subresource}";
        return string.IsNullOrEmpty(Namespace)
            ? $"User \"{user}\" cannot {Verb} resource \"{resource}\" in API group \"{Group}\" at the cluster scope"
            : $"User \"{user}\" cannot {Verb} resource \"{resource}\" in API group \"{Group}\" in the namespace \"{Namespace}\"";
    }

    public KubernetesApiException Forbidden(string user) => KubernetesStatus.Forbidden(Group, Resource, Name, ForbiddenReason(user));
}
