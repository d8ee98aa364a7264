using System.Buffers.Binary;

namespace ImageRec.Common.Imaging;

/// <summary>
/// Finds the Orientation tag in an Exif block, the payload of a JPEG APP1 segment. Layout, from Exif 2.32
/// (CIPA DC-008-2019) §4.5.4 and §4.6.2 and TIFF 6.0 Section 2: the identifier <c>"Exif\0\0"</c>, then a TIFF
/// header — byte order <c>II</c> (little-endian) or <c>MM</c> (big-endian), the number 42, the offset of IFD0
/// from the start of that header — and at IFD0 a 2-byte entry count followed by 12-byte entries: tag (2),
/// type (2), count (4), and the value itself when it fits in 4 bytes (left-justified), else its offset.
/// Orientation is tag 0x0112, type SHORT (3), count 1, value 1–8 (Exif 2.32 §4.6.4 A, TIFF 6.0 Section 8).
/// Like <see cref="ImageHeaderReader"/> it is safe on hostile input: bounds-checked, never throws, and a block
/// that is malformed or says nothing valid reads as <see cref="ImageOrientation.Normal"/>.
/// </summary>
public static class ExifOrientationReader
{
    private const ushort OrientationTag = 0x0112;
    private const ushort ShortType = 3;
    private const int EntrySize = 12;

    /// <summary>The identifier that starts an Exif APP1 payload (an XMP APP1 starts differently).</summary>
    public static ReadOnlySpan<byte> Identifier => "Exif\0\0"u8;

    /// <summary>True when an APP1 payload is an Exif block (rather than XMP or something else).</summary>
    public static bool IsExif(ReadOnlySpan<byte> app1Payload) => app1Payload.StartsWith(Identifier);

    /// <summary>The orientation an APP1 payload declares; <see cref="ImageOrientation.Normal"/> when it declares none.</summary>
    public static ImageOrientation Read(ReadOnlySpan<byte> app1Payload)
    {
        if (!IsExif(app1Payload))
            return ImageOrientation.Normal;
        ReadOnlySpan<byte> tiff = app1Payload[Identifier.Length..];
        if (tiff.Length < 8)
            return ImageOrientation.Normal;

        bool bigEndian;
        if (tiff[0] == 'I' && tiff[1] == 'I') bigEndian = false;
        else if (tiff[0] == 'M' && tiff[1] == 'M') bigEndian = true;
        else return ImageOrientation.Normal;
        if (UInt16(tiff[2..], bigEndian) != 42)
            return ImageOrientation.Normal;

        uint ifd0 = UInt32(tiff[4..], bigEndian);
        if (ifd0 < 8 || ifd0 > tiff.Length - 2)
            return ImageOrientation.Normal;
        int entries = UInt16(tiff[(int)ifd0..], bigEndian);
        int first = (int)ifd0 + 2;
        for (int i = 0; i < entries; i++)
        {
            int entry = first + i * EntrySize;
            if (entry > tiff.Length - EntrySize)
                break;
            if (UInt16(tiff[entry..], bigEndian) != OrientationTag)
                continue;
            if (UInt16(tiff[(entry + 2)..], bigEndian) != ShortType || UInt32(tiff[(entry + 4)..], bigEndian) != 1)
                return ImageOrientation.Normal;
            int value = UInt16(tiff[(entry + 8)..], bigEndian); // left-justified in the 4-byte value field
            return value is >= 1 and <= 8 ? (ImageOrientation)value : ImageOrientation.Normal;
        }
        return ImageOrientation.Normal;
    }

    private static ushort UInt16(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static uint UInt32(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
}
