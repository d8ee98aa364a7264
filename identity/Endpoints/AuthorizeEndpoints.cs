using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ImageRec.LocalIdentity.Endpoints;

/// <summary>
/// The authorization endpoint (RFC 6749 §3.1, §4.1; OpenID Connect Core §3.1.2): <c>GET /authorize</c>
/// shows the sign-in form; the form posts back to <c>POST /authorize</c>, which redirects to the
/// client's registered redirect URI with <c>code</c>, <c>state</c> and <c>iss</c> (RFC 9207).
/// Only the code flow, only with PKCE S256 (RFC 7636). No session is kept: every request asks again.
/// </summary>
public static class AuthorizeEndpoints
{
    public static IEndpointRouteBuilder MapAuthorize(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/authorize", Show);
        endpoints.MapPost("/authorize", SignInAsync);
        return endpoints;
    }

    public static IResult Show(HttpRequest request, IOptions<LocalIdentityOptions> options, IssuerUri issuer)
    {
        var authorization = AuthorizationRequest.From(name => request.Query[name].FirstOrDefault());
        return Refusal(authorization, request.HttpContext.Response, options.Value, issuer)
            ?? HtmlResponses.Page(request.HttpContext.Response, SignInPage.Form(authorization, AsksPassword(options.Value), error: null, username: null));
    }

    public static async Task<IResult> SignInAsync(
        HttpRequest request, IOptions<LocalIdentityOptions> options, IssuerUri issuer, AuthorizationCodes codes,
        ILogger<AuthorizationCodes> logger, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
            return HtmlResponses.Error(request.HttpContext.Response, "The sign-in form must be posted as application/x-www-form-urlencoded.");
        var form = await request.ReadFormAsync(cancellationToken);
        var authorization = AuthorizationRequest.From(name => form[name].FirstOrDefault());
        if (Refusal(authorization, request.HttpContext.Response, options.Value, issuer) is { } refusal) return refusal;

        var username = form["username"].FirstOrDefault();
        var user = LocalUser.FromName(username);
        string? error = user is null ? $"The user name must be {LocalUser.NameRule}."
            : !PasswordMatches(options.Value, form["password"].FirstOrDefault()) ? "Wrong password." : null;
        if (error is not null)
            return HtmlResponses.Page(request.HttpContext.Response,
                SignInPage.Form(authorization, AsksPassword(options.Value), error, username), StatusCodes.Status400BadRequest);

        var scope = Scopes.Grant(authorization.Scope);
        var code = codes.Issue(authorization.ClientId!, authorization.RedirectUri!, authorization.CodeChallenge!, user!, scope, authorization.Nonce);
        logger.LogInformation("{User} signed in to {ClientId}; code issued for {RedirectUri}", user!.Name, authorization.ClientId, authorization.RedirectUri);
        return TypedResults.Redirect(WithParameters(authorization.RedirectUri!, ("code", code), ("state", authorization.State), ("iss", issuer.Value)));
    }

    /// <summary>A page for requests whose redirect URI cannot be trusted, a redirect with an error for the rest, or null.</summary>
    private static IResult? Refusal(AuthorizationRequest authorization, HttpResponse response, LocalIdentityOptions options, IssuerUri issuer)
    {
        if (authorization.UntrustedRedirect(options) is { } untrusted) return HtmlResponses.Error(response, untrusted);
        if (authorization.ProtocolError() is var (error, description))
            return TypedResults.Redirect(WithParameters(authorization.RedirectUri!,
                ("error", error), ("error_description", description), ("state", authorization.State), ("iss", issuer.Value)));
        return null;
    }

    internal static bool AsksPassword(LocalIdentityOptions options) => !string.IsNullOrEmpty(options.Password);

    internal static bool PasswordMatches(LocalIdentityOptions options, string? password) =>
        !AsksPassword(options)
        || (password is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(options.Password!)));

    internal static string WithParameters(string uri, params (string Name, string? Value)[] parameters) =>
        QueryHelpers.AddQueryString(uri, parameters.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Name, p.Value)));
}
