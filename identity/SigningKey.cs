using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.LocalIdentity;

/// <summary>
/// The RSA key the provider signs tokens with (RS256), published at the JWKS endpoint. Generated at
/// start unless one is handed in, so tokens do not outlive a restart. Its <c>kid</c> is the RFC 7638
/// JWK thumbprint, so the same key always has the same id.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa;

    public SigningKey(RSA rsa)
    {
        _rsa = rsa;
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        Modulus = Base64UrlEncoder.Encode(parameters.Modulus);
        Exponent = Base64UrlEncoder.Encode(parameters.Exponent);
        KeyId = Thumbprint(Modulus, Exponent);
        SecurityKey = new RsaSecurityKey(rsa) { KeyId = KeyId };
    }

    public static SigningKey Generate() => new(RSA.Create(2048));

    public string KeyId { get; }
    public string Modulus { get; }
    public string Exponent { get; }
    public RsaSecurityKey SecurityKey { get; }
    public SigningCredentials Credentials => new(SecurityKey, SecurityAlgorithms.RsaSha256);

    /// <summary>The public half as a JWK (RFC 7517 §4, RFC 7518 §6.3.1).</summary>
    public PublicJsonWebKey PublicJwk => new("RSA", "sig", SecurityAlgorithms.RsaSha256, KeyId, Modulus, Exponent);

    /// <summary>RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace.</summary>
    private static string Thumbprint(string modulus, string exponent) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"e":"{{exponent}}","kty":"RSA","n":"{{modulus}}"}""")));

    public void Dispose() => _rsa.Dispose();
}

/// <summary>One key of the JWK Set document (RFC 7517 §5).</summary>
public sealed record PublicJsonWebKey(string Kty, string Use, string Alg, string Kid, string N, string E);
