using Microsoft.IdentityModel.Tokens;

namespace ImageRec.WebTier.Auth;

/// <summary>A token that names no usable user: no <c>sub</c>, or one longer than OpenID Connect allows.</summary>
public sealed class InvalidSubjectException(string message) : Exception(message);

/// <summary>The provider's discovery document or keys could not be fetched: nobody's token can be checked.</summary>
public sealed class IdentityProviderUnavailableException(Exception inner)
    : Exception("The identity provider's metadata could not be fetched: " + inner.Message, inner);

/// <summary>
/// Why a request was not let in: status, a stable machine-readable reason (the problem+json
/// <c>reason</c>, as for refused uploads) and a sentence for people.
/// </summary>
public sealed record AuthRefusal(int Status, string Reason, string Detail)
{
    public static AuthRefusal From(Exception? failure) => failure switch
    {
        null => Unauthorized("missing-token", "Sign in and send the access token as 'Authorization: Bearer <token>'."),
        SecurityTokenExpiredException expired => Unauthorized("token-expired", $"The token expired at {expired.Expires:yyyy-MM-dd HH:mm:ss}Z; sign in again."),
        SecurityTokenNotYetValidException => Unauthorized("token-not-yet-valid", "The token is not valid yet (nbf is in the future); check the clocks."),
        SecurityTokenInvalidIssuerException => Unauthorized("wrong-issuer", "The token was issued by another issuer than the one this service trusts."),
        SecurityTokenInvalidAudienceException => Unauthorized("wrong-audience", "The token was issued for another audience (aud, or client_id for access tokens)."),
        SecurityTokenInvalidSignatureException => Unauthorized("bad-signature", "The token's signature does not verify with the issuer's published keys."),
        InvalidSubjectException subject => Unauthorized("invalid-subject", subject.Message),
        IdentityProviderUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "identity-provider-unavailable",
            "The identity provider cannot be reached to check the token; retry shortly."),
        SecurityTokenMalformedException or ArgumentException => Unauthorized("malformed-token", "The bearer token is not a well-formed JWT."),
        _ => Unauthorized("invalid-token", "The token was refused: " + failure.Message),
    };

    private static AuthRefusal Unauthorized(string reason, string detail) => new(StatusCodes.Status401Unauthorized, reason, detail);
}
