using System.Security.Cryptography.X509Certificates;

namespace ImageRec.Operator.Kubernetes;

/// <summary>PEM loading for kubeconfig certificate fields (RSA and EC keys, PKCS#1, SEC1 or PKCS#8).</summary>
internal static class PemCertificates
{
    public static X509Certificate2 LoadClientCertificate(string certificatePem, string keyPem)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
    }

    public static X509Certificate2Collection LoadCertificates(string pem)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        if (certificates.Count == 0)
        {
            throw new InvalidOperationException("The certificate authority data holds no PEM certificate.");
        }

        return certificates;
    }
}
