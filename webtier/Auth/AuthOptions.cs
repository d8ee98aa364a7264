namespace ImageRec.WebTier.Auth;

/// <summary>
/// Sign-in settings. Section <c>Auth</c>. <see cref="Mode"/> has no default on purpose: a web tier
/// that was not told to skip sign-in must not quietly run without it.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary><c>Oidc</c> or <c>None</c> (case-insensitive); required.</summary>
    public string? Mode { get; set; }

    /// <summary>The issuer URL; its <c>/.well-known/openid-configuration</c> names the signing keys (JWKS).</summary>
    public string? Authority { get; set; }

    /// <summary>Tokens whose <c>aud</c> contains this are accepted (usually the client id or an API identifier).</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// The web page's OAuth client id (public client, PKCE). Cognito access tokens carry no <c>aud</c> but
    /// <c>client_id</c>: an access token (<c>token_use=access</c>) with this <c>client_id</c> is accepted too.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>Fetch discovery and keys over HTTPS only. May be false only for a loopback authority.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Scopes the web page asks for.</summary>
    public string Scope { get; set; } = "openid profile email";

    public AuthMode ParsedMode => Enum.Parse<AuthMode>(Mode!, ignoreCase: true);

    /// <summary>Why these settings cannot work; empty when they can.</summary>
    public IReadOnlyList<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Mode))
            return ["Auth:Mode is not set. Set Auth:Mode=Oidc to require sign-in through an OpenID Connect provider (with Auth:Authority and Auth:Audience or Auth:ClientId), "
                    + "or Auth:Mode=None to run without sign-in, every request being the single user 'anonymous' (local use only)."];
        if (!Enum.TryParse<AuthMode>(Mode, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
            return [$"Auth:Mode is '{Mode}'; it must be Oidc or None."];
        if (mode == AuthMode.None) return [];

        var problems = new List<string>();
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            problems.Add($"Auth:Authority must be the issuer's http(s) URL, e.g. https://cognito-idp.REGION.amazonaws.com/POOL_ID (it is '{Authority}').");
        else if (authority.Scheme == "http" && RequireHttpsMetadata)
            problems.Add($"Auth:Authority {Authority} is not HTTPS; for a local provider on loopback set Auth:RequireHttpsMetadata=false.");
        else if (!RequireHttpsMetadata && !authority.IsLoopback)
            problems.Add($"Auth:RequireHttpsMetadata=false is only allowed for a loopback authority, not {authority.Host}: keys fetched over plain HTTP can be forged.");
        if (string.IsNullOrWhiteSpace(Audience) && string.IsNullOrWhiteSpace(ClientId))
            problems.Add("Set Auth:Audience (the tokens' aud) or Auth:ClientId (Cognito access tokens' client_id), or both.");
        return problems;
    }
}
