using System.Security.Claims;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.WebTier.Auth;

/// <summary>
/// Whose images a request works on: the first segment of every S3 key (<c>{owner}/{id}</c>). The one
/// place that turns a caller into an owner.
/// <list type="bullet">
/// <item>A signed-in user: <c>user-{sub}</c> when the subject is 1 to 255 of <c>[A-Za-z0-9._-]</c>
/// (Cognito's UUIDs, most issuers' ids); otherwise <c>user64-{base64url(UTF-8 sub)}</c> (e.g.
/// <c>auth0|123</c> → <c>user64-YXV0aDB8MTIz</c>), reversible and made of <c>[A-Za-z0-9_-]</c> only.
/// Either way the owner is one key segment: never <c>/</c>, never <c>.</c> or <c>..</c> alone.</item>
/// <item><see cref="Anonymous"/> with <c>Auth:Mode=None</c>, and <see cref="CourseHarness"/> for the
/// course-harness route: neither starts with <c>user</c>, so no token's subject can become them.</item>
/// </list>
/// Subjects are unique per issuer (OpenID Connect Core §2) and the web tier trusts one issuer, so the
/// subject alone names the user.
/// </summary>
public static partial class Owner
{
    public const string Anonymous = "anonymous";
    public const string CourseHarness = "course-harness";

    private const string PlainPrefix = "user-";
    private const string EncodedPrefix = "user64-";

    /// <summary>OpenID Connect Core §2: a subject is at most 255 ASCII characters.</summary>
    public const int MaxSubjectLength = 255;

    /// <summary>The owner of the caller's images; the endpoint must require authorization.</summary>
    public static string From(ClaimsPrincipal user)
    {
        var identity = user.Identities.FirstOrDefault(i => i.IsAuthenticated)
            ?? throw new InvalidOperationException("No signed-in caller: the endpoint must require authorization.");
        if (identity.AuthenticationType == AnonymousCallerHandler.SchemeName) return Anonymous;
        return FromSubject(identity.FindFirst("sub")?.Value
            ?? throw new InvalidOperationException("The token was accepted without a 'sub' claim."));
    }

    /// <summary>The owner of a token holder, or null when the caller holds no valid token (anonymous or <c>Auth:Mode=None</c>).</summary>
    public static string? SignedInUser(ClaimsPrincipal user) =>
        user.Identities.FirstOrDefault(i => i.IsAuthenticated) is { } identity && identity.AuthenticationType != AnonymousCallerHandler.SchemeName
            && identity.FindFirst("sub")?.Value is { } subject && IsValidSubject(subject)
            ? FromSubject(subject) : null;

    public static bool IsValidSubject(string? subject) => !string.IsNullOrEmpty(subject) && subject.Length <= MaxSubjectLength;

    public static string FromSubject(string subject)
    {
        if (!IsValidSubject(subject)) throw new ArgumentException($"A subject is 1 to {MaxSubjectLength} characters.", nameof(subject));
        return PlainSubject().IsMatch(subject) ? PlainPrefix + subject : EncodedPrefix + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(subject));
    }

    /// <summary>The subject behind an owner made by <see cref="FromSubject"/>, e.g. to find a user's data.</summary>
    public static string? SubjectOf(string owner) =>
        owner.StartsWith(EncodedPrefix, StringComparison.Ordinal) ? Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(owner[EncodedPrefix.Length..]))
        : owner.StartsWith(PlainPrefix, StringComparison.Ordinal) ? owner[PlainPrefix.Length..]
        : null;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex PlainSubject();
}
