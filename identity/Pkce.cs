using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.LocalIdentity;

/// <summary>Proof Key for Code Exchange, RFC 7636. Only <c>S256</c>: <c>plain</c> protects nothing against a stolen code.</summary>
public static partial class Pkce
{
    public const string S256 = "S256";

    /// <summary>RFC 7636 §4.2: <c>BASE64URL(SHA256(ASCII(code_verifier)))</c>.</summary>
    public static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>RFC 7636 §4.1: 43 to 128 unreserved characters.</summary>
    public static bool IsWellFormedVerifier(string? verifier) => verifier is not null && Verifier().IsMatch(verifier);

    /// <summary>A S256 challenge is the base64url encoding of 32 bytes: 43 characters.</summary>
    public static bool IsWellFormedChallenge(string? challenge) => challenge is not null && ChallengeShape().IsMatch(challenge);

    /// <summary>RFC 7636 §4.6: the server recomputes the challenge from the verifier and compares.</summary>
    public static bool Verify(string? verifier, string challenge) =>
        IsWellFormedVerifier(verifier)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Challenge(verifier!)), Encoding.ASCII.GetBytes(challenge));

    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$")]
    private static partial Regex Verifier();

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex ChallengeShape();
}
