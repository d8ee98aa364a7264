using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ImageRec.LocalIdentity;

/// <summary>
/// A user of the local provider: any well-formed user name signs in. The subject (<c>sub</c>) is a
/// UUID derived from the lower-cased name, so it is stable across restarts and machines and looks like
/// a Cognito subject; it is never reassigned (OpenID Connect Core §2).
/// </summary>
public sealed partial record LocalUser
{
    public const string NameRule = "1 to 64 letters, digits, '.', '_' or '-'";

    private LocalUser(string name, string subject) => (Name, Subject) = (name, subject);

    public string Name { get; }
    public string Subject { get; }

    public static LocalUser? FromName(string? name)
    {
        if (name is null || !ValidName().IsMatch(name)) return null;
        var normalised = name.ToLowerInvariant();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("imagerec-local-identity:" + normalised));
        // RFC 9562 §5.8 (UUIDv8, custom): version 8 in the high nibble of byte 6, variant 10 in byte 8.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new LocalUser(normalised, new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString());
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidName();
}
