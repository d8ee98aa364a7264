using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Auth;

/// <summary>
/// <c>Auth:Mode=None</c>: every request is signed in as the single user <see cref="Owner.Anonymous"/>,
/// so the endpoints require authorization the same way in both modes.
/// </summary>
public sealed class AnonymousCallerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "None";

    private static readonly ClaimsPrincipal Principal =
        new(new ClaimsIdentity([new Claim("sub", Owner.Anonymous)], authenticationType: SchemeName, nameType: "sub", roleType: null));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Principal, SchemeName)));
}
