using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.LocalIdentity;

/// <summary>What an authorization code stands for until it is exchanged at the token endpoint.</summary>
public sealed record AuthorizationGrant(
    string ClientId, string RedirectUri, string CodeChallenge, LocalUser User, string Scope, string? Nonce, DateTimeOffset ExpiresAt);

/// <summary>
/// Outstanding authorization codes, in memory. A code is random (256 bits), short-lived and
/// single-use (RFC 6749 §4.1.2, §10.5): the first presentation removes it, whether or not the
/// exchange then succeeds, so a replayed or guessed-after-leak code gets nothing.
/// </summary>
public sealed class AuthorizationCodes(TimeProvider time, IOptions<LocalIdentityOptions> options)
{
    private readonly ConcurrentDictionary<string, AuthorizationGrant> _pending = new(StringComparer.Ordinal);

    public string Issue(string clientId, string redirectUri, string codeChallenge, LocalUser user, string scope, string? nonce)
    {
        var now = time.GetUtcNow();
        foreach (var (stale, grant) in _pending)
            if (grant.ExpiresAt <= now) _pending.TryRemove(stale, out _);

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _pending[code] = new AuthorizationGrant(clientId, redirectUri, codeChallenge, user, scope, nonce,
            now.AddSeconds(options.Value.CodeLifetimeSeconds));
        return code;
    }

    /// <summary>The grant behind <paramref name="code"/>, or null when it is unknown, used or expired.</summary>
    public AuthorizationGrant? Redeem(string? code) =>
        code is not null && _pending.TryRemove(code, out var grant) && grant.ExpiresAt > time.GetUtcNow() ? grant : null;
}
