namespace ImageRec.LocalIdentity;

/// <summary>The local provider's settings. Section <c>Identity</c>.</summary>
public sealed class LocalIdentityOptions
{
    public const string Section = "Identity";

    /// <summary>
    /// The issuer (<c>iss</c>) and base of every endpoint. Empty: the address the provider listens on,
    /// e.g. <c>http://127.0.0.1:8082</c>.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The applications allowed to ask for tokens. Public clients: no secret (PKCE instead).</summary>
    public List<RegisteredClient> Clients { get; set; } = [];

    /// <summary>The one password every user signs in with; empty: the user name alone signs in.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Allow the resource owner password grant (RFC 6749 §4.3) so scripts and tests get tokens without
    /// a browser. Deprecated by OAuth 2.0 Security BCP; acceptable only for a local provider like this.
    /// </summary>
    public bool AllowPasswordGrant { get; set; }

    public int AccessTokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>How long an authorization code may wait for its exchange (RFC 6749 §4.1.2: short, at most 10 minutes).</summary>
    public int CodeLifetimeSeconds { get; set; } = 60;

    /// <summary>Domain of the <c>email</c> claim: <c>{user}@{EmailDomain}</c>.</summary>
    public string EmailDomain { get; set; } = "users.imagerec.test";

    public RegisteredClient? FindClient(string? clientId) =>
        Clients.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));
}
