using System.Buffers.Binary;

namespace ImageRec.Tests.Imaging.Builders;

/// <summary>
/// Exif APP1 payloads made by hand (Exif 2.32 §4.5.4, TIFF 6.0 Section 2): "Exif\0\0", a TIFF header in either
/// byte order, and IFD0 with the entries asked for.
/// </summary>
internal static class ExifBlock
{
    public const ushort OrientationTag = 0x0112;
    public const ushort ShortType = 3;

    /// <summary>One IFD entry: tag, type, count and the 4-byte value field (a SHORT value sits in its first two bytes).</summary>
    public readonly record struct Entry(ushort Tag, ushort Type, uint Count, uint Value);

    /// <summary>An Exif block whose IFD0 holds an Orientation entry with <paramref name="value"/>, after a few other entries.</summary>
    public static byte[] WithOrientation(int value, bool bigEndian = false) => Build(bigEndian,
        new Entry(0x010F, 2, 4, 0),            // Make, ASCII (offset 0: not followed)
        new Entry(0x0110, 2, 4, 0),            // Model
        new Entry(OrientationTag, ShortType, 1, (uint)value),
        new Entry(0x011A, 5, 1, 0));           // XResolution, RATIONAL (offset)

    /// <summary>An Exif block with the given IFD0 entries, in the given byte order, IFD0 right after the TIFF header.</summary>
    public static byte[] Build(bool bigEndian, params Entry[] entries)
    {
        var tiff = new byte[8 + 2 + entries.Length * 12 + 4];
        tiff[0] = tiff[1] = bigEndian ? (byte)'M' : (byte)'I';
        Write16(tiff, 2, 42, bigEndian);
        Write32(tiff, 4, 8, bigEndian);
        Write16(tiff, 8, (ushort)entries.Length, bigEndian);
        for (int i = 0; i < entries.Length; i++)
        {
            int at = 10 + i * 12;
            var e = entries[i];
            Write16(tiff, at, e.Tag, bigEndian);
            Write16(tiff, at + 2, e.Type, bigEndian);
            Write32(tiff, at + 4, e.Count, bigEndian);
            if (e.Type == ShortType && e.Count == 1) Write16(tiff, at + 8, (ushort)e.Value, bigEndian); // left-justified
            else Write32(tiff, at + 8, e.Value, bigEndian);
        }
        return [.. "Exif\0\0"u8, .. tiff];
    }

    private static void Write16(byte[] b, int at, ushort v, bool bigEndian)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), v);
        else BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
    }

    private static void Write32(byte[] b, int at, uint v, bool bigEndian)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
    }
}
