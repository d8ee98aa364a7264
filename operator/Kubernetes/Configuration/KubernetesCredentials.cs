using System.Security.Cryptography.X509Certificates;

namespace ImageRec.Operator.Kubernetes;

/// <summary>What authenticates a request: a bearer token, a client certificate, or both.</summary>
public sealed record KubernetesCredentials(string? Token, X509Certificate2? ClientCertificate = null, DateTimeOffset? ExpiresAt = null)
{
    public static readonly KubernetesCredentials None = new(Token: null);
}

/// <summary>
/// Supplies credentials per request. Sources whose credentials rotate (projected service-account tokens,
/// exec plugins) re-read them when stale or after <see cref="Invalidate"/> (a 401 from the server).
/// </summary>
public interface IKubernetesCredentialSource
{
    ValueTask<KubernetesCredentials> GetCredentialsAsync(CancellationToken cancellationToken);

    /// <summary>The server rejected the current credentials: fetch fresh ones next time.</summary>
    void Invalidate();
}

/// <summary>A fixed token and/or client certificate (kubeconfig <c>token</c>, tests).</summary>
public sealed class StaticCredentialSource(KubernetesCredentials credentials) : IKubernetesCredentialSource
{
    public ValueTask<KubernetesCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);

    public void Invalidate()
    {
    }
}
