using Microsoft.Extensions.Options;

namespace ImageRec.LocalIdentity.Endpoints;

/// <summary>The provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414 §2).</summary>
public sealed record DiscoveryDocument(
    string Issuer,
    string AuthorizationEndpoint,
    string TokenEndpoint,
    string UserinfoEndpoint,
    string JwksUri,
    string EndSessionEndpoint,
    string[] ResponseTypesSupported,
    string[] ResponseModesSupported,
    string[] GrantTypesSupported,
    string[] SubjectTypesSupported,
    string[] IdTokenSigningAlgValuesSupported,
    string[] ScopesSupported,
    string[] TokenEndpointAuthMethodsSupported,
    string[] CodeChallengeMethodsSupported,
    string[] ClaimsSupported,
    bool AuthorizationResponseIssParameterSupported);

/// <summary>The JWK Set document (RFC 7517 §5).</summary>
public sealed record JsonWebKeySet(IReadOnlyList<PublicJsonWebKey> Keys);

/// <summary>
/// <c>/.well-known/openid-configuration</c> (OpenID Connect Discovery 1.0 §4) and the JWKS it names, from
/// which relying parties such as the web tier take the signing key.
/// </summary>
public static class DiscoveryEndpoints
{
    public const string JwksPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/.well-known/openid-configuration", (IssuerUri issuer, IOptions<LocalIdentityOptions> options) =>
            TypedResults.Ok(Describe(issuer, options.Value))).RequireCors(LocalIdentityProvider.AnyOrigin);
        endpoints.MapGet(JwksPath, (SigningKey key) => TypedResults.Ok(new JsonWebKeySet([key.PublicJwk]))).RequireCors(LocalIdentityProvider.AnyOrigin);
        return endpoints;
    }

    public static DiscoveryDocument Describe(IssuerUri issuer, LocalIdentityOptions options) => new(
        Issuer: issuer.Value,
        AuthorizationEndpoint: issuer.Endpoint("/authorize"),
        TokenEndpoint: issuer.Endpoint("/token"),
        UserinfoEndpoint: issuer.Endpoint("/userinfo"),
        JwksUri: issuer.Endpoint(JwksPath),
        EndSessionEndpoint: issuer.Endpoint("/logout"),
        ResponseTypesSupported: ["code"],
        ResponseModesSupported: ["query"],
        GrantTypesSupported: options.AllowPasswordGrant ? ["authorization_code", "password"] : ["authorization_code"],
        SubjectTypesSupported: ["public"],
        IdTokenSigningAlgValuesSupported: ["RS256"],
        ScopesSupported: Scopes.Supported,
        TokenEndpointAuthMethodsSupported: ["none"],
        CodeChallengeMethodsSupported: [Pkce.S256],
        ClaimsSupported: ["iss", "sub", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "preferred_username", "email", "token_use", "client_id", "scope"],
        AuthorizationResponseIssParameterSupported: true);
}
