using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// Trusts the API server's certificate only when it chains to the cluster's CA
/// (kubeconfig certificate-authority, or ca.crt in a pod), like client-go: the system roots do not apply.
/// </summary>
internal sealed class ServerCertificateValidator(X509Certificate2Collection certificateAuthorities)
{
    public bool Validate(X509Certificate2? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(certificateAuthorities);
        // Cluster CAs publish no revocation lists.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }
}
