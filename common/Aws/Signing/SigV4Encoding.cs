using System.Buffers;
using System.Text;

namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// URI encoding and canonical URI/query rules of SigV4
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request):
/// only <c>A-Z a-z 0-9 - . _ ~</c> stay literal; every other UTF-8 byte becomes <c>%XX</c> (uppercase hex).
/// </summary>
internal static class SigV4Encoding
{
    private const int StackallocByteLimit = 512;

    public static void AppendCanonicalUri(ref PooledTextBuilder builder, string path, bool normalizePath)
    {
        if (path.Length == 0 || path == "/")
        {
            builder.Append('/');
            return;
        }

        if (!normalizePath)
        {
            // S3: the key is signed as given, encoded exactly once. Decode first so that a path
            // System.Uri has partially escaped still ends up in the one canonical form.
            AppendUriEncoded(ref builder, path, decodeFirst: true, keepSlash: true);
            return;
        }

        // RFC 3986 dot-segment removal plus collapsing empty segments ("//").
        var segments = new List<Range>();
        var span = path.AsSpan();
        foreach (var segment in span.Split('/'))
        {
            var text = span[segment];
            if (text.Length == 0 || text is ".")
            {
                continue;
            }
            if (text is "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                continue;
            }
            segments.Add(segment);
        }

        builder.Append('/');
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('/');
            }
            // Encode the path as sent: an already percent-encoded path is encoded again, which is
            // what non-S3 services expect ("each path segment URI-encoded twice").
            AppendUriEncoded(ref builder, span[segments[i]], decodeFirst: false, keepSlash: false);
        }
        if (segments.Count > 0 && path.EndsWith('/'))
        {
            builder.Append('/');
        }
    }

    public static void AppendCanonicalQuery(ref PooledTextBuilder builder, string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return;
        }

        var pairs = new List<(string Key, string Value)>();
        var span = query.AsSpan();
        foreach (var range in span.Split('&'))
        {
            var pair = span[range];
            if (pair.Length == 0)
            {
                continue;
            }
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? ReadOnlySpan<char>.Empty : pair[(equals + 1)..];
            // Decode then re-encode: the query may arrive raw or already (differently) encoded.
            pairs.Add((UriEncode(key, decodeFirst: true), UriEncode(value, decodeFirst: true)));
        }

        // Sort by encoded name, then encoded value, in byte (ordinal) order; keep repeated keys.
        pairs.Sort(static (a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });

        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('&');
            }
            builder.Append(pairs[i].Key);
            builder.Append('=');
            builder.Append(pairs[i].Value);
        }
    }

    public static string UriEncode(ReadOnlySpan<char> text, bool decodeFirst)
    {
        var builder = new PooledTextBuilder(text.Length * 3 + 8);
        try
        {
            AppendUriEncoded(ref builder, text, decodeFirst, keepSlash: false);
            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    public static void AppendUriEncoded(ref PooledTextBuilder builder, ReadOnlySpan<char> text, bool decodeFirst, bool keepSlash)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> bytes = maxBytes <= StackallocByteLimit
            ? stackalloc byte[StackallocByteLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var count = Encoding.UTF8.GetBytes(text, bytes);
            if (decodeFirst)
            {
                count = PercentDecodeInPlace(bytes[..count]);
            }

            foreach (var b in bytes[..count])
            {
                if (IsUnreserved(b) || (keepSlash && b == (byte)'/'))
                {
                    builder.Append((char)b);
                }
                else
                {
                    var escaped = builder.AppendSpan(3);
                    escaped[0] = '%';
                    escaped[1] = UpperHex(b >> 4);
                    escaped[2] = UpperHex(b & 0xF);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int PercentDecodeInPlace(Span<byte> bytes)
    {
        var write = 0;
        for (var read = 0; read < bytes.Length; read++)
        {
            if (bytes[read] == (byte)'%' && read + 2 < bytes.Length
                && HexValue(bytes[read + 1]) is var high and >= 0
                && HexValue(bytes[read + 2]) is var low and >= 0)
            {
                bytes[write++] = (byte)((high << 4) | low);
                read += 2;
            }
            else
            {
                bytes[write++] = bytes[read];
            }
        }
        return write;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsUnreserved(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z'
            or >= (byte)'a' and <= (byte)'z'
            or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static char UpperHex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
