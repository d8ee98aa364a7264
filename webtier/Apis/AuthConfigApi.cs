using System.Text.Json.Serialization;
using ImageRec.WebTier.Auth;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Apis;

/// <summary>
/// <c>GET /v1/auth/config</c> (anonymous): what the web page needs to sign in — the mode, and for
/// <c>oidc</c> the issuer (its discovery document names the authorize and token endpoints), the public
/// client id for the authorization-code flow with PKCE, and the scopes.
/// </summary>
public static class AuthConfigApi
{
    /// <summary>The contract the page reads; absent settings are written as null, not left out.</summary>
    public sealed record AuthConfig(
        string Mode,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Authority,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ClientId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Scope)
    {
        public static AuthConfig From(AuthOptions options) => options.ParsedMode == AuthMode.None
            ? new("none", null, null, null)
            : new("oidc", options.Authority, options.ClientId, options.Scope);
    }

    public static RouteHandlerBuilder MapAuthConfigApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/v1/auth/config", (IOptions<AuthOptions> options) => TypedResults.Ok(AuthConfig.From(options.Value)))
            .AllowAnonymous().WithTags("Auth");
}
