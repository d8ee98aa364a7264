namespace ImageRec.Common.Imaging;

/// <summary>
/// Names image formats the service does not decode, from their signatures, so that a refusal can say what
/// was sent ("GIF is not supported") instead of calling a photo "not an image". Bounds-checked, never throws.
/// </summary>
public static class ForeignImageFormat
{
    private static ReadOnlySpan<byte> JpegXlCodestream => [0xFF, 0x0A];
    private static ReadOnlySpan<byte> JpegXlContainer => [0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' '];
    private static ReadOnlySpan<byte> Jpeg2000Container => [0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' '];
    private static ReadOnlySpan<byte> Jpeg2000Codestream => [0xFF, 0x4F, 0xFF, 0x51];
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The format's common name, or null when the data is not a known image format.</summary>
    public static string? Identify(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8)) return "GIF";
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8) || data.StartsWith("II+\0"u8) || data.StartsWith("MM\0+"u8)) return "TIFF";
        if (IsBmp(data)) return "BMP";
        if (data.StartsWith("8BPS"u8)) return "Photoshop (PSD)";
        if (data.StartsWith(JpegXlCodestream) || data.StartsWith(JpegXlContainer)) return "JPEG XL";
        if (data.StartsWith(Jpeg2000Container) || data.StartsWith(Jpeg2000Codestream)) return "JPEG 2000";
        if (IsoMediaBrand(data) is { } brand) return brand;
        if (data.StartsWith("qoif"u8)) return "QOI";
        if (LooksLikeSvg(data)) return "SVG";
        return null;
    }

    /// <summary>"BM", then a BITMAPINFOHEADER family size at offset 14 (two letters alone are too weak a signature).</summary>
    private static bool IsBmp(ReadOnlySpan<byte> data) =>
        data.Length >= 18 && data[0] == 'B' && data[1] == 'M'
        && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[14..]) is 12 or 40 or 52 or 56 or 64 or 108 or 124;

    /// <summary>
    /// HEIF (HEIC) and AVIF are ISO base media files: an <c>ftyp</c> box first, whose major or compatible brands
    /// say which (ISO/IEC 23008-12 Annex B, AV1 Image File Format §9). AVIF wins when both are listed.
    /// </summary>
    private static string? IsoMediaBrand(ReadOnlySpan<byte> data)
    {
        if (data.Length < 16 || !data[4..].StartsWith("ftyp"u8))
            return null;
        int boxSize = (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data), (uint)data.Length);
        bool heif = false;
        // Major brand at 8, minor version at 12, compatible brands from 16 to the end of the box.
        for (int pos = 8; pos + 4 <= boxSize; pos += pos == 8 ? 8 : 4)
        {
            ReadOnlySpan<byte> brand = data.Slice(pos, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) return "AVIF";
            heif |= brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("heim"u8)
                || brand.SequenceEqual("heis"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8);
        }
        return heif ? "HEIC/HEIF" : null;
    }

    /// <summary>An XML declaration or an &lt;svg element within the first bytes, after a BOM or white space.</summary>
    private static bool LooksLikeSvg(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> head = data[..Math.Min(data.Length, 1024)];
        if (head.StartsWith(Utf8Bom)) head = head[3..];
        head = head.TrimStart(" \t\r\n"u8);
        return (head.StartsWith("<svg"u8) || head.StartsWith("<?xml"u8)) && head.IndexOf("<svg"u8) >= 0;
    }
}
