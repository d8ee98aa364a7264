namespace ImageRec.LocalIdentity;

/// <summary>
/// Whether a redirect URI in a request is one a client registered: exact match (RFC 6749 §3.1.2.2,
/// OpenID Connect Core §3.1.2.1), or for loopback http URIs the same URI on any port (RFC 8252 §7.3).
/// </summary>
public static class RedirectUriMatch
{
    public static bool Matches(string registered, string requested)
    {
        if (string.Equals(registered, requested, StringComparison.Ordinal)) return true;
        if (!Uri.TryCreate(registered, UriKind.Absolute, out var expected) || !Uri.TryCreate(requested, UriKind.Absolute, out var actual))
            return false;
        // A fragment is never allowed (RFC 6749 §3.1.2); user info would let the URI pose as another host.
        if (actual.Fragment.Length > 0 || actual.UserInfo.Length > 0) return false;
        return IsLoopbackHttp(expected) && IsLoopbackHttp(actual)
            && string.Equals(expected.Host, actual.Host, StringComparison.OrdinalIgnoreCase)
            && string.Equals(expected.PathAndQuery, actual.PathAndQuery, StringComparison.Ordinal);
    }

    private static bool IsLoopbackHttp(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttp && uri.Host is "127.0.0.1" or "[::1]" or "localhost";
}
