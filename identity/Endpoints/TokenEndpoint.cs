using Microsoft.Extensions.Options;

namespace ImageRec.LocalIdentity.Endpoints;

/// <summary>
/// The token endpoint (RFC 6749 §3.2) for public clients (no secret):
/// <list type="bullet">
/// <item><c>authorization_code</c> (RFC 6749 §4.1.3) with the PKCE <c>code_verifier</c> (RFC 7636 §4.5);
/// the code works once, for the client and redirect URI it was issued to.</item>
/// <item><c>password</c> (RFC 6749 §4.3) when <see cref="LocalIdentityOptions.AllowPasswordGrant"/> is on:
/// for scripts and tests on a local machine only.</item>
/// </list>
/// </summary>
public static class TokenEndpoint
{
    public static IEndpointConventionBuilder MapToken(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/token", ExchangeAsync);

    public static async Task<IResult> ExchangeAsync(
        HttpRequest request, IOptions<LocalIdentityOptions> options, AuthorizationCodes codes, TokenIssuer issuer,
        ILogger<TokenIssuer> logger, CancellationToken cancellationToken)
    {
        // RFC 6749 §5.1: token responses must not be cached.
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        request.HttpContext.Response.Headers.Pragma = "no-cache";
        if (!request.HasFormContentType)
            return new OAuthError("invalid_request", "Send the parameters as application/x-www-form-urlencoded.").ToResult();
        var form = await request.ReadFormAsync(cancellationToken);
        string? Field(string name) => form[name].FirstOrDefault();

        var clientId = Field("client_id");
        var client = options.Value.FindClient(clientId);
        if (client is null)
            return new OAuthError("invalid_client", $"The client '{clientId}' is not registered.").ToResult(StatusCodes.Status401Unauthorized);

        var (tokens, error) = Field("grant_type") switch
        {
            "authorization_code" => FromCode(codes, issuer, client, Field("code"), Field("redirect_uri"), Field("code_verifier")),
            "password" => FromPassword(options.Value, issuer, client, Field("username"), Field("password"), Field("scope")),
            var other => Refused("unsupported_grant_type", $"grant_type '{other}' is not supported; use authorization_code or password."),
        };
        if (error is not null)
        {
            logger.LogInformation("Token request from {ClientId} refused: {Error} ({Description})", clientId, error.Error, error.ErrorDescription);
            return error.ToResult();
        }
        return TypedResults.Ok(tokens);
    }

    private static (TokenResponse?, OAuthError?) Refused(string error, string description) => (null, new OAuthError(error, description));

    private static (TokenResponse?, OAuthError?) FromCode(AuthorizationCodes codes, TokenIssuer issuer, RegisteredClient client, string? code, string? redirectUri, string? verifier)
    {
        // Redeeming removes the code first: whatever goes wrong below, it cannot be tried again.
        var grant = codes.Redeem(code);
        if (grant is null) return Refused("invalid_grant", "The code is unknown, expired or already used.");
        if (grant.ClientId != client.ClientId) return Refused("invalid_grant", "The code was issued to another client.");
        if (grant.RedirectUri != redirectUri) return Refused("invalid_grant", "redirect_uri differs from the one in the authorization request.");
        if (!Pkce.Verify(verifier, grant.CodeChallenge)) return Refused("invalid_grant", "code_verifier does not match the code_challenge (PKCE, RFC 7636 §4.6).");
        return (issuer.Issue(client.ClientId, grant.User, grant.Scope, grant.Nonce), null);
    }

    private static (TokenResponse?, OAuthError?) FromPassword(LocalIdentityOptions options, TokenIssuer issuer, RegisteredClient client, string? username, string? password, string? scope)
    {
        if (!options.AllowPasswordGrant) return Refused("unsupported_grant_type", "The password grant is off (Identity:AllowPasswordGrant).");
        var user = LocalUser.FromName(username);
        if (user is null) return Refused("invalid_request", $"username must be {LocalUser.NameRule}.");
        if (!AuthorizeEndpoints.PasswordMatches(options, password)) return Refused("invalid_grant", "Wrong password.");
        return (issuer.Issue(client.ClientId, user, Scopes.Grant(scope), nonce: null), null);
    }
}
