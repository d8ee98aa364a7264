using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.WebTier.Auth;

/// <summary>
/// Which tokens are meant for this API: <c>aud</c> contains <see cref="AuthOptions.Audience"/>, or — the
/// shape of Amazon Cognito access tokens, which carry no <c>aud</c> — <c>token_use</c> is <c>access</c>
/// and <c>client_id</c> is <see cref="AuthOptions.ClientId"/>.
/// </summary>
public static class TokenAudience
{
    public static bool IsAccepted(IEnumerable<string> audiences, SecurityToken token, AuthOptions options) =>
        (!string.IsNullOrEmpty(options.Audience) && audiences.Contains(options.Audience, StringComparer.Ordinal))
        || (!string.IsNullOrEmpty(options.ClientId) && token is JsonWebToken jwt
            && jwt.TryGetPayloadValue<string>("token_use", out var use) && use == "access"
            && jwt.TryGetPayloadValue<string>("client_id", out var clientId) && clientId == options.ClientId);
}
