using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary>Certificates made on the fly: a cluster CA, a server certificate it signs, client certificates.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 CreateCertificateAuthority(string name = "CN=test-cluster-ca")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public static X509Certificate2 CreateSignedBy(X509Certificate2 authority, string name = "CN=kubernetes")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        var serial = RandomNumberGenerator.GetBytes(8);
        return request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
    }

    /// <summary>A self-signed client certificate and its key as PEM; RSA keys as PKCS#1, EC keys as SEC1 (what kubeadm writes).</summary>
    public static (string CertificatePem, string KeyPem) CreateClientPem(bool rsa, string name = "CN=test-user,O=system:masters")
    {
        if (rsa)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            return (certificate.ExportCertificatePem(), key.ExportRSAPrivateKeyPem());
        }
        else
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            return (certificate.ExportCertificatePem(), key.ExportECPrivateKeyPem());
        }
    }

    public static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
}
