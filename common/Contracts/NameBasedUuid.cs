using System.Security.Cryptography;
using System.Text;

namespace ImageRec.Common.Contracts;

/// <summary>
/// Name-based UUIDs (RFC 9562 §5.5, version 5: SHA-1 of a namespace and a name): the same name in the same
/// namespace gives the same id on any machine, without a lookup table. Job ids derived from an idempotency key
/// (the web tier) and from an S3 key (the worker's bucket events) are made here, each in its own namespace.
/// </summary>
public static class NameBasedUuid
{
    /// <summary>The UUIDv5 of <paramref name="name"/> (as UTF-8) in <paramref name="namespaceId"/>.</summary>
    public static Guid Create(Guid namespaceId, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + bytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        bytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50); // version 5
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(uuid, bigEndian: true);
    }
}
