using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The double's TLS certificate: self-signed, for 127.0.0.1 and localhost, and its own certificate authority.
/// TLS is not optional: kubectl (client-go's clientcmd) sends no credentials at all to an http:// server, so
/// bearer tokens and RBAC only work over https. Clients trust it through the kubeconfig's certificate-authority-data
/// or <see cref="Trusts"/>. One per test process (key generation is the slow part).
/// </summary>
public static class ServerCertificate
{
    private static readonly Lazy<X509Certificate2> Shared = new(Create);

    public static X509Certificate2 Certificate => Shared.Value;

    public static string Pem => Certificate.ExportCertificatePem();

    /// <summary>A server certificate check that accepts exactly this certificate (for HttpClientHandler / SocketsHttpHandler).</summary>
    public static bool Trusts(X509Certificate? presented) =>
        presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString();

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=imagerec-kubernetes-api-double", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));
        // Re-import so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
