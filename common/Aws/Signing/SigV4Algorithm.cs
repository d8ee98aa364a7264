using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageRec.Common.Aws.Credentials;

namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// AWS Signature Version 4, header-based (<c>AWS4-HMAC-SHA256</c>), as specified in
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html :
/// canonical request → string to sign → signature → <c>Authorization</c> header value.
/// Pure function of its inputs; the HTTP plumbing lives in <see cref="SigV4RequestSigner"/>.
/// </summary>
public static class SigV4Algorithm
{
    public const string AlgorithmName = "AWS4-HMAC-SHA256";
    public const string EmptyPayloadSha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string AmzDateHeader = "x-amz-date";
    public const string SecurityTokenHeader = "x-amz-security-token";
    internal const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private const int Sha256HexLength = 64;

    /// <summary>
    /// Signs <paramref name="request"/> and returns every intermediate artefact.
    /// If the request carries an <c>X-Amz-Date</c> header its value is the signing time; otherwise
    /// <paramref name="now"/> is used and the header is added to the signed set. With
    /// <see cref="SigV4SignerOptions.SignSessionToken"/> a session token missing from the headers
    /// is added to the signed set as <c>X-Amz-Security-Token</c>.
    /// </summary>
    public static SigV4Computation Compute(
        SigV4Request request, AwsCredentialsSnapshot credentials, string region, string service,
        DateTimeOffset now, SigV4SignerOptions options)
    {
        var authorization = ComputeCore(request, credentials, region, service, now, options, captureSteps: true,
            out var canonicalRequest, out var stringToSign, out var signature, out var signedHeaders);
        return new SigV4Computation(canonicalRequest!, stringToSign!, signature!, signedHeaders!, authorization);
    }

    /// <summary>Same as <see cref="Compute"/> but returns only the <c>Authorization</c> value (fewer allocations).</summary>
    public static string ComputeAuthorization(
        SigV4Request request, AwsCredentialsSnapshot credentials, string region, string service,
        DateTimeOffset now, SigV4SignerOptions options) =>
        ComputeCore(request, credentials, region, service, now, options, captureSteps: false, out _, out _, out _, out _);

    public static string FormatAmzDate(DateTimeOffset now) =>
        now.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    /// <summary>Lowercase hex SHA-256 of <paramref name="payload"/>.</summary>
    public static string HashPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return EmptyPayloadSha256Hex;
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static string ComputeCore(
        SigV4Request request, AwsCredentialsSnapshot credentials, string region, string service,
        DateTimeOffset now, SigV4SignerOptions options, bool captureSteps,
        out string? canonicalRequestText, out string? stringToSignText, out string? signatureText, out string? signedHeadersText)
    {
        var headers = ArrayPool<HeaderEntry>.Shared.Rent(request.Headers.Count + 2);
        var canonical = new PooledTextBuilder(512);
        var toSign = new PooledTextBuilder(256);
        var authorization = new PooledTextBuilder(256);
        try
        {
            var headerCount = CollectHeaders(request.Headers, headers, out var amzDate, out var hasToken);
            if (amzDate is null)
            {
                amzDate = FormatAmzDate(now);
                headers[headerCount++] = new HeaderEntry(AmzDateHeader, amzDate, headerCount);
            }
            if (!hasToken && options.SignSessionToken && credentials.HasSessionToken)
            {
                headers[headerCount++] = new HeaderEntry(SecurityTokenHeader, credentials.SessionToken!, headerCount);
            }
            Array.Sort(headers, 0, headerCount, HeaderEntryComparer.Instance);

            // 1. Canonical request.
            canonical.Append(request.Method.AsSpan().Trim());
            canonical.Append('\n');
            SigV4Encoding.AppendCanonicalUri(ref canonical, request.Path, options.NormalizePath);
            canonical.Append('\n');
            SigV4Encoding.AppendCanonicalQuery(ref canonical, request.Query);
            canonical.Append('\n');
            AppendCanonicalHeaders(ref canonical, headers.AsSpan(0, headerCount));
            canonical.Append('\n');
            var signedHeadersStart = canonical.Length;
            AppendSignedHeaders(ref canonical, headers.AsSpan(0, headerCount));
            var signedHeadersLength = canonical.Length - signedHeadersStart;
            canonical.Append('\n');
            canonical.Append(request.PayloadSha256Hex);

            // 2. String to sign.
            var dateStamp = amzDate.AsSpan(0, Math.Min(8, amzDate.Length));
            toSign.Append(AlgorithmName);
            toSign.Append('\n');
            toSign.Append(amzDate);
            toSign.Append('\n');
            var scopeStart = toSign.Length;
            toSign.Append(dateStamp);
            toSign.Append('/');
            toSign.Append(region);
            toSign.Append('/');
            toSign.Append(service);
            toSign.Append("/aws4_request");
            var scopeLength = toSign.Length - scopeStart;
            toSign.Append('\n');
            Sha256Hex(canonical.AsSpan(), toSign.AppendSpan(Sha256HexLength));

            // 3. Signature.
            var signingKey = SigV4SigningKeyCache.GetSigningKey(credentials.SecretAccessKey, dateStamp, region, service);
            Span<char> signature = stackalloc char[Sha256HexLength];
            HmacSha256Hex(signingKey, toSign.AsSpan(), signature);

            // 4. Authorization header value.
            authorization.Append(AlgorithmName);
            authorization.Append(" Credential=");
            authorization.Append(credentials.AccessKeyId);
            authorization.Append('/');
            authorization.Append(toSign.AsSpan(scopeStart, scopeLength));
            authorization.Append(", SignedHeaders=");
            authorization.Append(canonical.AsSpan(signedHeadersStart, signedHeadersLength));
            authorization.Append(", Signature=");
            authorization.Append(signature);

            if (captureSteps)
            {
                canonicalRequestText = canonical.ToString();
                stringToSignText = toSign.ToString();
                signatureText = signature.ToString();
                signedHeadersText = canonical.AsSpan(signedHeadersStart, signedHeadersLength).ToString();
            }
            else
            {
                canonicalRequestText = stringToSignText = signatureText = signedHeadersText = null;
            }
            return authorization.ToString();
        }
        finally
        {
            ArrayPool<HeaderEntry>.Shared.Return(headers, clearArray: true);
            canonical.Dispose();
            toSign.Dispose();
            authorization.Dispose();
        }
    }

    private static int CollectHeaders(
        IReadOnlyList<KeyValuePair<string, string>> source, HeaderEntry[] destination,
        out string? amzDate, out bool hasToken)
    {
        amzDate = null;
        hasToken = false;
        for (var i = 0; i < source.Count; i++)
        {
            var name = source[i].Key.Trim().ToLowerInvariant();
            var value = source[i].Value;
            if (name == AmzDateHeader)
            {
                amzDate ??= value.Trim();
            }
            else if (name == SecurityTokenHeader)
            {
                hasToken = true;
            }
            destination[i] = new HeaderEntry(name, value, i);
        }
        return source.Count;
    }

    /// <summary>
    /// One line per lowercase name: repeated headers are joined with <c>,</c> in their original
    /// order; each value is trimmed and inner whitespace runs collapse to one space.
    /// </summary>
    private static void AppendCanonicalHeaders(ref PooledTextBuilder builder, ReadOnlySpan<HeaderEntry> sorted)
    {
        for (var i = 0; i < sorted.Length; i++)
        {
            var sameAsPrevious = i > 0 && sorted[i].Name == sorted[i - 1].Name;
            if (sameAsPrevious)
            {
                builder.Append(',');
            }
            else
            {
                if (i > 0)
                {
                    builder.Append('\n');
                }
                builder.Append(sorted[i].Name);
                builder.Append(':');
            }
            AppendTrimmedCollapsed(ref builder, sorted[i].Value);
        }
        if (sorted.Length > 0)
        {
            builder.Append('\n');
        }
    }

    private static void AppendSignedHeaders(ref PooledTextBuilder builder, ReadOnlySpan<HeaderEntry> sorted)
    {
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0 && sorted[i].Name == sorted[i - 1].Name)
            {
                continue;
            }
            if (i > 0)
            {
                builder.Append(';');
            }
            builder.Append(sorted[i].Name);
        }
    }

    private static void AppendTrimmedCollapsed(ref PooledTextBuilder builder, string value)
    {
        var pendingSpace = false;
        var wroteAny = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                pendingSpace = wroteAny;
                continue;
            }
            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }
            builder.Append(c);
            wroteAny = true;
        }
    }

    private static void Sha256Hex(ReadOnlySpan<char> text, Span<char> destination)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes.AsSpan(0, length), hash);
            Convert.TryToHexStringLower(hash, destination, out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static void HmacSha256Hex(ReadOnlySpan<byte> key, ReadOnlySpan<char> text, Span<char> destination)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, bytes);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, bytes.AsSpan(0, length), mac);
            Convert.TryToHexStringLower(mac, destination, out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private readonly record struct HeaderEntry(string Name, string Value, int Order);

    /// <summary>Orders by lowercase name (ordinal), keeping the original order of repeated names.</summary>
    private sealed class HeaderEntryComparer : IComparer<HeaderEntry>
    {
        public static readonly HeaderEntryComparer Instance = new();

        public int Compare(HeaderEntry x, HeaderEntry y)
        {
            var byName = string.CompareOrdinal(x.Name, y.Name);
            return byName != 0 ? byName : x.Order.CompareTo(y.Order);
        }
    }
}
