using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>Bearer tokens and whom they authenticate (a static token file, in effect); unknown tokens get 401.</summary>
public sealed class TokenRegistry
{
    private readonly ConcurrentDictionary<string, ApiUser> _users = new(StringComparer.Ordinal);

    public string Issue(ApiUser user)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _users[token] = user;
        return token;
    }

    public ApiUser? Find(string token) => _users.TryGetValue(token, out var user) ? user : null;
}
