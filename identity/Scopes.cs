namespace ImageRec.LocalIdentity;

/// <summary>The scopes the provider knows (OpenID Connect Core §5.4); others are dropped from the grant (RFC 6749 §3.3).</summary>
public static class Scopes
{
    public const string OpenId = "openid";
    public static readonly string[] Supported = [OpenId, "profile", "email"];
    public static readonly string Default = string.Join(' ', Supported);

    public static string Grant(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested)) return Default;
        var granted = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(Supported.Contains).Distinct();
        return string.Join(' ', granted);
    }

    public static bool Includes(string scope, string name) => scope.Split(' ').Contains(name);
}
