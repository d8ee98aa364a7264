namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// client.authentication.k8s.io/v1 (and v1beta1) ExecCredential, what an exec credential plugin prints
/// on stdout (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins).
/// </summary>
public sealed class ExecCredential
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ExecCredentialSpec? Spec { get; set; }

    public ExecCredentialStatus? Status { get; set; }
}

public sealed class ExecCredentialSpec
{
    public bool? Interactive { get; set; }
}

public sealed class ExecCredentialStatus
{
    /// <summary>When to run the plugin again; absent means the credentials never expire (until a 401).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(KubernetesTimeJsonConverter))]
    public DateTimeOffset? ExpirationTimestamp { get; set; }

    public string? Token { get; set; }

    /// <summary>PEM client certificate; comes with <see cref="ClientKeyData"/>.</summary>
    public string? ClientCertificateData { get; set; }

    public string? ClientKeyData { get; set; }
}

/// <summary>The <c>users[].user.exec</c> section of a kubeconfig.</summary>
public sealed record ExecPluginConfig(
    string ApiVersion,
    string Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    string? InstallHint = null);
