namespace ImageRec.WebTier.Auth;

/// <summary>How the web tier knows who is calling.</summary>
public enum AuthMode
{
    /// <summary>Bearer tokens from an OpenID Connect provider; the owner is the token's <c>sub</c>.</summary>
    Oidc,

    /// <summary>No sign-in: every request is the single user <c>anonymous</c>. Local use only.</summary>
    None,
}
