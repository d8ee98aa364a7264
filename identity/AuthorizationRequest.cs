namespace ImageRec.LocalIdentity;

/// <summary>
/// The parameters of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core
/// §3.1.2.1), read from the query of <c>GET /authorize</c> or, carried through the sign-in form, from
/// the body of <c>POST /authorize</c>.
/// </summary>
public sealed record AuthorizationRequest(
    string? ResponseType, string? ClientId, string? RedirectUri, string? Scope, string? State,
    string? CodeChallenge, string? CodeChallengeMethod, string? Nonce)
{
    public static readonly string[] FieldNames =
        ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce"];

    public static AuthorizationRequest From(Func<string, string?> field) => new(
        field("response_type"), field("client_id"), field("redirect_uri"), field("scope"), field("state"),
        field("code_challenge"), field("code_challenge_method"), field("nonce"));

    public IEnumerable<(string Name, string? Value)> Fields =>
        FieldNames.Zip<string, string?>([ResponseType, ClientId, RedirectUri, Scope, State, CodeChallenge, CodeChallengeMethod, Nonce]);

    /// <summary>
    /// Problems that must not be reported by redirecting, because the redirect URI is not known to be
    /// the client's (RFC 6749 §4.1.2.1, §10.15 open redirectors): shown to the user instead.
    /// </summary>
    public string? UntrustedRedirect(LocalIdentityOptions options)
    {
        var client = options.FindClient(ClientId);
        if (string.IsNullOrEmpty(ClientId)) return "The request has no client_id.";
        if (client is null) return $"The client '{ClientId}' is not registered with this provider.";
        if (string.IsNullOrEmpty(RedirectUri)) return "The request has no redirect_uri.";
        if (!client.AllowsRedirectTo(RedirectUri))
            return $"The redirect_uri '{RedirectUri}' is not registered for the client '{ClientId}'.";
        return null;
    }

    /// <summary>Problems the client hears about at its redirect URI: an RFC 6749 §4.1.2.1 error code and a description.</summary>
    public (string Error, string Description)? ProtocolError()
    {
        if (ResponseType != "code")
            return ("unsupported_response_type", "Only the authorization code flow (response_type=code) is supported.");
        if (string.IsNullOrEmpty(CodeChallenge))
            return ("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256 (RFC 7636).");
        if (CodeChallengeMethod != Pkce.S256)
            return ("invalid_request", "Only code_challenge_method=S256 is supported.");
        if (!Pkce.IsWellFormedChallenge(CodeChallenge))
            return ("invalid_request", "code_challenge must be the base64url SHA-256 of the code verifier (43 characters).");
        return null;
    }
}
