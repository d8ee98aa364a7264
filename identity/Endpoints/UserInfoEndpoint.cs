namespace ImageRec.LocalIdentity.Endpoints;

/// <summary>The signed-in user's claims (OpenID Connect Core §5.3.2).</summary>
public sealed record UserInfo(string Sub, string? PreferredUsername, string? Email);

/// <summary>
/// <c>GET|POST /userinfo</c> with an access token from this provider (OpenID Connect Core §5.3);
/// 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c> (RFC 6750 §3) otherwise.
/// </summary>
public static class UserInfoEndpoint
{
    public static IEndpointConventionBuilder MapUserInfo(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/userinfo", [HttpMethods.Get, HttpMethods.Post], DescribeAsync).RequireCors(LocalIdentityProvider.AnyOrigin);

    public static async Task<IResult> DescribeAsync(HttpRequest request, TokenIssuer tokens)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        var token = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        var jwt = token is null ? null : await tokens.ValidateAccessTokenAsync(token);
        if (jwt is null)
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = token is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            return new OAuthError("invalid_token", "Send a valid access token from this provider as 'Authorization: Bearer ...'.")
                .ToResult(StatusCodes.Status401Unauthorized);
        }
        return TypedResults.Ok(new UserInfo(jwt.Subject,
            jwt.TryGetPayloadValue<string>("preferred_username", out var name) ? name : null,
            jwt.TryGetPayloadValue<string>("email", out var email) ? email : null));
    }
}
