using System.Buffers.Binary;

namespace ImageRec.Common.Imaging;

/// <summary>
/// Sniffs the format of an uploaded image from its magic bytes and reads its dimensions from the header,
/// without decoding it. Pure managed code, safe on hostile input: every read is bounds-checked, nothing
/// throws, and the work is bounded by the input length.
/// </summary>
public static class ImageHeaderReader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Identifies the format from the first bytes only (JPEG needs 3, PNG 8, WebP 12).</summary>
    public static ImageFormat DetectFormat(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            return ImageFormat.Jpeg;
        if (data.Length >= 8 && data[..8].SequenceEqual(PngSignature))
            return ImageFormat.Png;
        if (data.Length >= 12 && IsFourCc(data, 0, "RIFF") && IsFourCc(data, 8, "WEBP"))
            return ImageFormat.WebP;
        return ImageFormat.Unknown;
    }

    /// <summary>Reads the header; true only when <paramref name="header"/> holds a valid size.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out ImageHeader header) =>
        Read(data, out header) == ImageHeaderStatus.Ok;

    /// <summary>
    /// Reads the header and says why it could not when it could not: an unsupported type, or a supported
    /// type whose header is truncated or corrupt.
    /// </summary>
    public static ImageHeaderStatus Read(ReadOnlySpan<byte> data, out ImageHeader header)
    {
        header = default;
        return DetectFormat(data) switch
        {
            ImageFormat.Jpeg => ReadJpeg(data, out header),
            ImageFormat.Png => ReadPng(data, out header),
            ImageFormat.WebP => ReadWebP(data, out header),
            _ => ImageHeaderStatus.UnsupportedFormat,
        };
    }

    /// <summary>A human-readable reason for a status, suitable for an HTTP 4xx body.</summary>
    public static string Describe(ImageHeaderStatus status, ImageFormat format = ImageFormat.Unknown) => status switch
    {
        ImageHeaderStatus.Ok => "ok",
        ImageHeaderStatus.UnsupportedFormat => "unsupported image type (expected JPEG, PNG or WebP)",
        ImageHeaderStatus.Truncated => $"truncated {FormatName(format)} header",
        ImageHeaderStatus.Corrupt => $"corrupt {FormatName(format)} header",
        _ => "unknown error",
    };

    private static string FormatName(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.WebP => "WebP",
        _ => "image",
    };

    // ---------------------------------------------------------------- JPEG

    private static ImageHeaderStatus ReadJpeg(ReadOnlySpan<byte> data, out ImageHeader header)
    {
        header = default;
        var orientation = ImageOrientation.Normal;
        bool seenExif = false;
        int pos = 2; // after SOI
        while (true)
        {
            // Find the next marker. libjpeg tolerates (with a warning) garbage between segments, so do we;
            // any number of 0xFF fill bytes may precede the marker code.
            while (pos < data.Length && data[pos] != 0xFF)
                pos++;
            while (pos < data.Length && data[pos] == 0xFF)
                pos++;
            if (pos >= data.Length)
                return ImageHeaderStatus.Truncated;

            byte marker = data[pos++];
            switch (marker)
            {
                case 0x00: // stuffed zero outside entropy-coded data: not a marker
                    return ImageHeaderStatus.Corrupt;
                case 0x01: // TEM
                case >= 0xD0 and <= 0xD7: // RSTn: standalone, no length
                    continue;
                case 0xD8: // a second SOI before any frame
                case 0xD9: // EOI before any frame
                case 0xDA: // SOS before SOF: no frame header
                    return ImageHeaderStatus.Corrupt;
            }

            if (pos + 2 > data.Length)
                return ImageHeaderStatus.Truncated;
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2)
                return ImageHeaderStatus.Corrupt;

            bool isSof = marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC);
            if (isSof)
            {
                // Lf(2) P(1) Y(2) X(2) Nf(1), then 3 bytes per component.
                if (length < 8)
                    return ImageHeaderStatus.Corrupt;
                if (pos + 8 > data.Length)
                    return ImageHeaderStatus.Truncated;
                int precision = data[pos + 2];
                int height = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 3)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 5)..]);
                int components = data[pos + 7];
                // Height 0 means "defined later by a DNL marker": we cannot size such an image up front.
                if (width == 0 || height == 0 || components == 0 || precision is < 2 or > 16
                    || length != 8 + 3 * components)
                    return ImageHeaderStatus.Corrupt;
                header = new ImageHeader(ImageFormat.Jpeg, width, height, components, precision,
                    PngColorType: -1, JpegSofMarker: marker, HasAlpha: false, IsAnimated: false) { Orientation = orientation };
                return ImageHeaderStatus.Ok;
            }

            // The first Exif APP1 segment says how the image is turned (a second one, or XMP's APP1, does not).
            if (marker == 0xE1 && !seenExif)
            {
                ReadOnlySpan<byte> payload = data.Slice(pos + 2, Math.Min(length - 2, data.Length - pos - 2));
                if (ExifOrientationReader.IsExif(payload))
                {
                    seenExif = true;
                    orientation = ExifOrientationReader.Read(payload);
                }
            }

            pos += length; // skip APPn, COM, DQT, DHT, DRI, … (may run past the end: caught above next time)
            if (pos > data.Length)
                return ImageHeaderStatus.Truncated;
        }
    }

    // ---------------------------------------------------------------- PNG

    private static ImageHeaderStatus ReadPng(ReadOnlySpan<byte> data, out ImageHeader header)
    {
        header = default;
        // signature(8) + length(4) + "IHDR"(4) + 13 bytes of data + CRC(4)
        const int IhdrEnd = 8 + 8 + 13 + 4;
        if (data.Length < 16)
            return ImageHeaderStatus.Truncated;
        if (BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != 13 || !IsFourCc(data, 12, "IHDR"))
            return ImageHeaderStatus.Corrupt;
        if (data.Length < IhdrEnd)
            return ImageHeaderStatus.Truncated;

        uint width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        int bitDepth = data[24];
        int colorType = data[25];
        byte compression = data[26], filter = data[27], interlace = data[28];
        uint crc = BinaryPrimitives.ReadUInt32BigEndian(data[29..]);

        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            return ImageHeaderStatus.Corrupt;
        if (compression != 0 || filter != 0 || interlace > 1)
            return ImageHeaderStatus.Corrupt;
        int components = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => -1 };
        bool depthOk = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => false,
        };
        if (components < 0 || !depthOk)
            return ImageHeaderStatus.Corrupt;
        if (Crc32(data[12..29]) != crc)
            return ImageHeaderStatus.Corrupt;

        header = new ImageHeader(ImageFormat.Png, (int)width, (int)height, components, bitDepth,
            PngColorType: colorType, JpegSofMarker: 0, HasAlpha: colorType is 4 or 6, IsAnimated: IsAnimatedPng(data[IhdrEnd..]));
        return ImageHeaderStatus.Ok;
    }

    /// <summary>
    /// True when an acTL chunk comes before the first IDAT: the APNG specification puts it there, so the chunks
    /// after IHDR are walked (length, type, data, CRC) up to the image data, or to the end of what is there.
    /// </summary>
    private static bool IsAnimatedPng(ReadOnlySpan<byte> chunks)
    {
        int pos = 0;
        while (pos + 8 <= chunks.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(chunks[pos..]);
            if (IsFourCc(chunks, pos + 4, "acTL"))
                return true;
            if (IsFourCc(chunks, pos + 4, "IDAT") || length > int.MaxValue - 12 - pos)
                return false;
            pos += 12 + (int)length;
        }
        return false;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        // Bitwise CRC-32 (ISO-HDLC, as PNG uses); only ever run over the 17 bytes of the IHDR chunk.
        uint c = 0xFFFFFFFFu;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return c ^ 0xFFFFFFFFu;
    }

    // ---------------------------------------------------------------- WebP

    private static ImageHeaderStatus ReadWebP(ReadOnlySpan<byte> data, out ImageHeader header)
    {
        header = default;
        // "RIFF" size(4, LE) "WEBP", then the first chunk: fourcc(4) size(4) payload.
        uint riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffSize < 4 + 8)
            return ImageHeaderStatus.Corrupt;
        if (data.Length < 20)
            return ImageHeaderStatus.Truncated;
        uint chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        if (chunkSize > riffSize - 12)
            return ImageHeaderStatus.Corrupt;
        ReadOnlySpan<byte> payload = data[20..];

        if (IsFourCc(data, 12, "VP8 "))
        {
            // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height (top 2 bits: scale).
            if (chunkSize < 10)
                return ImageHeaderStatus.Corrupt;
            if (payload.Length < 10)
                return ImageHeaderStatus.Truncated;
            bool keyFrame = (payload[0] & 0x01) == 0;
            if (!keyFrame || payload[3] != 0x9D || payload[4] != 0x01 || payload[5] != 0x2A)
                return ImageHeaderStatus.Corrupt;
            int width = BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]) & 0x3FFF;
            int height = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) & 0x3FFF;
            if (width == 0 || height == 0)
                return ImageHeaderStatus.Corrupt;
            header = new ImageHeader(ImageFormat.WebP, width, height, 3, 8, -1, 0, HasAlpha: false, IsAnimated: false);
            return ImageHeaderStatus.Ok;
        }

        if (IsFourCc(data, 12, "VP8L"))
        {
            // Signature 0x2F, then 14 bits width−1, 14 bits height−1, 1 bit alpha, 3 bits version (0).
            if (chunkSize < 5)
                return ImageHeaderStatus.Corrupt;
            if (payload.Length < 5)
                return ImageHeaderStatus.Truncated;
            if (payload[0] != 0x2F)
                return ImageHeaderStatus.Corrupt;
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]);
            int width = (int)(bits & 0x3FFF) + 1;
            int height = (int)((bits >> 14) & 0x3FFF) + 1;
            bool alpha = ((bits >> 28) & 1) != 0;
            if ((bits >> 29) != 0)
                return ImageHeaderStatus.Corrupt;
            header = new ImageHeader(ImageFormat.WebP, width, height, alpha ? 4 : 3, 8, -1, 0, alpha, IsAnimated: false);
            return ImageHeaderStatus.Ok;
        }

        if (IsFourCc(data, 12, "VP8X"))
        {
            // Flags(1) reserved(3) canvas width−1 (24 bits LE) canvas height−1 (24 bits LE).
            if (chunkSize < 10)
                return ImageHeaderStatus.Corrupt;
            if (payload.Length < 10)
                return ImageHeaderStatus.Truncated;
            byte flags = payload[0];
            bool animated = (flags & 0x02) != 0;
            bool alpha = (flags & 0x10) != 0;
            int width = ReadUInt24LittleEndian(payload[4..]) + 1;
            int height = ReadUInt24LittleEndian(payload[7..]) + 1;
            header = new ImageHeader(ImageFormat.WebP, width, height, alpha ? 4 : 3, 8, -1, 0, alpha, animated);
            return ImageHeaderStatus.Ok;
        }

        return ImageHeaderStatus.Corrupt; // RIFF/WEBP with an unknown first chunk
    }

    private static int ReadUInt24LittleEndian(ReadOnlySpan<byte> b) => b[0] | (b[1] << 8) | (b[2] << 16);

    private static bool IsFourCc(ReadOnlySpan<byte> data, int offset, string fourCc) =>
        data.Length >= offset + 4
        && data[offset] == fourCc[0] && data[offset + 1] == fourCc[1]
        && data[offset + 2] == fourCc[2] && data[offset + 3] == fourCc[3];
}
