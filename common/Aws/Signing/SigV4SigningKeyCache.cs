using System.Security.Cryptography;
using System.Text;

namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// Derives the SigV4 signing key
/// <c>HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")</c>
/// and remembers the last one: it only changes once a day (or on credential rotation), so every
/// other request saves four HMACs.
/// </summary>
internal static class SigV4SigningKeyCache
{
    private sealed record Entry(string SecretAccessKey, string DateStamp, string Region, string Service, byte[] Key);

    private static Entry? s_last;

    public static byte[] GetSigningKey(string secretAccessKey, ReadOnlySpan<char> dateStamp, string region, string service)
    {
        var last = Volatile.Read(ref s_last);
        if (last is not null
            && dateStamp.SequenceEqual(last.DateStamp)
            && string.Equals(last.Region, region, StringComparison.Ordinal)
            && string.Equals(last.Service, service, StringComparison.Ordinal)
            && string.Equals(last.SecretAccessKey, secretAccessKey, StringComparison.Ordinal))
        {
            return last.Key;
        }

        var key = DeriveSigningKey(secretAccessKey, dateStamp, region, service);
        Volatile.Write(ref s_last, new Entry(secretAccessKey, dateStamp.ToString(), region, service, key));
        return key;
    }

    public static byte[] DeriveSigningKey(string secretAccessKey, ReadOnlySpan<char> dateStamp, string region, string service)
    {
        var secret = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        Span<byte> key = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HmacUtf8(secret, dateStamp, key);
        HmacUtf8(key, region, key);
        HmacUtf8(key, service, key);
        HmacUtf8(key, "aws4_request", key);
        return key.ToArray();
    }

    /// <summary>HMAC-SHA256 of UTF-8 <paramref name="text"/>; <paramref name="destination"/> may alias <paramref name="key"/>.</summary>
    public static void HmacUtf8(ReadOnlySpan<byte> key, ReadOnlySpan<char> text, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, data);
        Span<byte> keyCopy = stackalloc byte[key.Length];
        key.CopyTo(keyCopy);
        HMACSHA256.HashData(keyCopy, data[..length], destination);
    }
}
