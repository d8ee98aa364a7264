using System.Buffers.Binary;
using System.IO.Compression;

namespace ImageRec.Tests.Imaging.Builders;

/// <summary>
/// Writes PNG files in code (PNG specification, 3rd edition: chunk layout §5.3, IHDR §11.2.2, filter type 0,
/// zlib-compressed IDAT), so tests can make exactly the file they need: any size, colour type and bit depth,
/// extra chunks such as APNG's acTL, or just a header.
/// </summary>
internal static class PngWriter
{
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>Length, type, data and the CRC of type + data.</summary>
    public static byte[] Chunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        for (int i = 0; i < 4; i++) chunk[4 + i] = (byte)type[i];
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>The signature and an IHDR chunk declaring the given size (any value, for bombs and zero sizes).</summary>
    public static byte[] Header(uint width, uint height, byte bitDepth = 8, byte colorType = 2)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType; // compression, filter and interlace methods stay 0
        return [.. Signature, .. Chunk("IHDR", ihdr)];
    }

    /// <summary>
    /// A complete PNG. <paramref name="sample"/>(x, y, channel) gives each sample (0–255, or 0–65535 at 16 bits);
    /// channels follow the colour type (0 grey, 2 RGB, 3 palette index, 4 grey+alpha, 6 RGBA).
    /// <paramref name="beforeImageData"/> are chunks put between IHDR and IDAT (PLTE, acTL, fcTL, …),
    /// <paramref name="afterImageData"/> between IDAT and IEND (APNG frames).
    /// </summary>
    public static byte[] Encode(int width, int height, byte colorType, byte bitDepth, Func<int, int, int, int> sample,
        IEnumerable<byte[]>? beforeImageData = null, IEnumerable<byte[]>? afterImageData = null)
    {
        var file = new List<byte>(Header((uint)width, (uint)height, bitDepth, colorType));
        foreach (var chunk in beforeImageData ?? []) file.AddRange(chunk);
        file.AddRange(Chunk("IDAT", Compress(Scanlines(width, height, colorType, bitDepth, sample))));
        foreach (var chunk in afterImageData ?? []) file.AddRange(chunk);
        file.AddRange(Chunk("IEND", []));
        return file.ToArray();
    }

    /// <summary>Filter-type-0 scanlines, big-endian samples; the uncompressed content of IDAT (or of an APNG fdAT).</summary>
    public static byte[] Scanlines(int width, int height, byte colorType, byte bitDepth, Func<int, int, int, int> sample)
    {
        int channels = colorType switch { 0 or 3 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new ArgumentOutOfRangeException(nameof(colorType)) };
        int bytesPerSample = bitDepth == 16 ? 2 : 1;
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth), "8 or 16 bits only");
        int rowBytes = 1 + width * channels * bytesPerSample;
        var raw = new byte[rowBytes * height];
        for (int y = 0; y < height; y++)
        {
            int pos = y * rowBytes + 1; // filter byte 0: None
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++, pos += bytesPerSample)
                {
                    int v = sample(x, y, c);
                    if (bytesPerSample == 2) BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(pos), (ushort)v);
                    else raw[pos] = (byte)v;
                }
        }
        return raw;
    }

    public static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(data);
        return output.ToArray();
    }

    /// <summary>CRC-32 as PNG uses it (ISO 3309, reflected polynomial 0xEDB88320), table-driven.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
