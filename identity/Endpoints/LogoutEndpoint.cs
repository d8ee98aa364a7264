using Microsoft.Extensions.Options;

namespace ImageRec.LocalIdentity.Endpoints;

/// <summary>
/// The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2). The provider keeps no
/// session, so there is nothing to end here; it sends the user back to
/// <c>post_logout_redirect_uri</c> (with <c>state</c>) when that is registered for <c>client_id</c>,
/// and otherwise shows that they are signed out.
/// </summary>
public static class LogoutEndpoint
{
    public static IEndpointConventionBuilder MapLogout(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/logout", SignOut);

    public static IResult SignOut(HttpRequest request, IOptions<LocalIdentityOptions> options)
    {
        var redirect = request.Query["post_logout_redirect_uri"].FirstOrDefault();
        if (redirect is null)
            return HtmlResponses.Page(request.HttpContext.Response, SignInPage.Message("Signed out", "You are signed out of the local ImageRec identity provider."));

        var clientId = request.Query["client_id"].FirstOrDefault();
        var client = options.Value.FindClient(clientId);
        if (client is null || !client.AllowsRedirectTo(redirect))
            return HtmlResponses.Error(request.HttpContext.Response,
                $"post_logout_redirect_uri '{redirect}' is not registered for the client '{clientId}'.");
        return TypedResults.Redirect(AuthorizeEndpoints.WithParameters(redirect, ("state", request.Query["state"].FirstOrDefault())));
    }
}
