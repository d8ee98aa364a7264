using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.LocalIdentity;

/// <summary>The token endpoint's answer (RFC 6749 §5.1; <c>id_token</c>: OpenID Connect Core §3.1.3.3).</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string Scope, string? IdToken);

/// <summary>
/// Mints RS256-signed JWTs. The access token carries <c>aud</c> = the client id (so an API configured
/// with that audience accepts it) and, like Cognito's, <c>token_use=access</c> and <c>client_id</c>;
/// the ID token (OpenID Connect Core §2) carries <c>token_use=id</c> and the request's <c>nonce</c>.
/// </summary>
public sealed class TokenIssuer(SigningKey key, IssuerUri issuer, IOptions<LocalIdentityOptions> options, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TokenResponse Issue(string clientId, LocalUser user, string scope, string? nonce)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromSeconds(options.Value.AccessTokenLifetimeSeconds);
        var email = $"{user.Name}@{options.Value.EmailDomain}";
        var authTime = EpochTime.GetIntDate(now);

        var access = Create(clientId, now, lifetime, new Dictionary<string, object>
        {
            ["sub"] = user.Subject,
            ["token_use"] = "access",
            ["client_id"] = clientId,
            ["scope"] = scope,
            ["preferred_username"] = user.Name,
            ["email"] = email,
            ["auth_time"] = authTime,
            ["jti"] = Guid.NewGuid().ToString(),
        });
        string? id = null;
        if (Scopes.Includes(scope, Scopes.OpenId))
        {
            var claims = new Dictionary<string, object>
            {
                ["sub"] = user.Subject,
                ["token_use"] = "id",
                ["preferred_username"] = user.Name,
                ["email"] = email,
                ["auth_time"] = authTime,
            };
            if (nonce is not null) claims["nonce"] = nonce;
            id = Create(clientId, now, lifetime, claims);
        }
        return new TokenResponse(access, "Bearer", (int)lifetime.TotalSeconds, scope, id);
    }

    /// <summary>The claims of an access token this provider issued and that is still valid, or null.</summary>
    public async Task<JsonWebToken?> ValidateAccessTokenAsync(string token)
    {
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.Value,
            ValidAudiences = options.Value.Clients.Select(c => c.ClientId),
            IssuerSigningKey = key.SecurityKey,
            // Lifetime against this provider's clock, not the machine's.
            LifetimeValidator = (notBefore, expires, _, _) =>
                notBefore <= time.GetUtcNow().UtcDateTime && time.GetUtcNow().UtcDateTime < expires,
        });
        return result.IsValid && result.SecurityToken is JsonWebToken jwt
               && jwt.TryGetPayloadValue<string>("token_use", out var use) && use == "access" ? jwt : null;
    }

    private string Create(string audience, DateTime now, TimeSpan lifetime, Dictionary<string, object> claims) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Value,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = key.Credentials,
        });
}
