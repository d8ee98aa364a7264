namespace ImageRec.LocalIdentity;

/// <summary>An application registered with the provider: its id (the tokens' audience) and where it may be sent back to.</summary>
public sealed class RegisteredClient
{
    public string ClientId { get; set; } = "";

    /// <summary>
    /// Redirect URIs compared as exact strings (RFC 6749 §3.1.2.2), except loopback ones
    /// (<c>http://127.0.0.1/</c>, <c>http://[::1]/</c>, <c>http://localhost/</c>), which match on any port
    /// (RFC 8252 §7.3): a local app listens wherever it found a free port.
    /// </summary>
    public List<string> RedirectUris { get; set; } = [];

    public bool AllowsRedirectTo(string? redirectUri) =>
        redirectUri is not null && RedirectUris.Any(registered => RedirectUriMatch.Matches(registered, redirectUri));
}
