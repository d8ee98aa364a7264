using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// Where a resource type lives in the REST API: <c>/api/v1/…</c> for the core group,
/// <c>/apis/{group}/{version}/…</c> otherwise, with <c>namespaces/{ns}/</c> before the plural when it is
/// namespaced (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris).
/// </summary>
public class KubernetesResource
{
    public KubernetesResource(string group, string version, string plural, string kind, bool namespaced)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentException.ThrowIfNullOrEmpty(plural);
        Group = group ?? "";
        Version = version;
        Plural = plural;
        Kind = kind;
        Namespaced = namespaced;
    }

    /// <summary>"" for the core group (Pods, ServiceAccounts).</summary>
    public string Group { get; }

    public string Version { get; }

    public string Plural { get; }

    public string Kind { get; }

    public bool Namespaced { get; }

    /// <summary>"apps/v1", or "v1" for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>
    /// The path of the collection (name null) or of one object, with an optional subresource
    /// ("status"). A null namespace on a namespaced resource means all namespaces (list and watch only).
    /// </summary>
    public string GetPath(string? @namespace, string? name = null, string? subresource = null)
    {
        var path = new StringBuilder(Group.Length == 0 ? "/api/" : "/apis/" + Group + "/");
        path.Append(Version);
        if (Namespaced && !string.IsNullOrEmpty(@namespace))
        {
            path.Append("/namespaces/").Append(Uri.EscapeDataString(@namespace));
        }
        else if (Namespaced && name is not null)
        {
            throw new ArgumentException($"{Plural} are namespaced: a namespace is needed to address one by name.", nameof(@namespace));
        }

        path.Append('/').Append(Plural);
        if (name is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            path.Append('/').Append(Uri.EscapeDataString(name));
            if (subresource is not null)
            {
                path.Append('/').Append(subresource);
            }
        }

        return path.ToString();
    }

    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>A resource type with the JSON metadata of its objects, so calls infer <typeparamref name="T"/>.</summary>
public sealed class KubernetesResource<T> : KubernetesResource
{
    public KubernetesResource(string group, string version, string plural, string kind, bool namespaced, JsonTypeInfo<T> typeInfo)
        : base(group, version, plural, kind, namespaced)
    {
        TypeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));
    }

    public JsonTypeInfo<T> TypeInfo { get; }
}
