using System.Buffers.Binary;
using ImageRec.Worker.Imaging.Native;

namespace ImageRec.Tests.Imaging.Builders;

/// <summary>
/// Makes JPEG files in code: encodes pixels with libjpeg-turbo's tjCompress2 (the library the worker decodes with),
/// then edits markers — an Exif APP1 after SOI, the frame header's fields, the Adobe colour transform — to get
/// exactly the file a test needs.
/// </summary>
internal static unsafe class JpegWriter
{
    /// <summary>RGB24 to JPEG; 4:2:0 chroma unless <paramref name="subsampling"/> says otherwise.</summary>
    public static byte[] EncodeRgb(byte[] rgb, int width, int height, int quality, int subsampling = TurboJpegNative.TJSAMP_420) =>
        Encode(rgb, width, height, TurboJpegNative.TJPF_RGB, 3, subsampling, quality);

    /// <summary>
    /// CMYK (4 bytes a pixel, stored values as Adobe writes them: inverted, 255 = no ink) to JPEG. TurboJPEG always
    /// writes these as YCCK with an Adobe APP14 segment (transform 2).
    /// </summary>
    public static byte[] EncodeCmyk(byte[] cmyk, int width, int height, int quality) =>
        Encode(cmyk, width, height, TurboJpegNative.TJPF_CMYK, 4, TurboJpegNative.TJSAMP_444, quality);

    private static byte[] Encode(byte[] pixels, int width, int height, int pixelFormat, int bytesPerPixel, int subsampling, int quality)
    {
        nint tj = TurboJpegNative.tjInitCompress();
        Assert.NotEqual(0, tj);
        try
        {
            byte* outBuf = null;
            nuint outSize = 0;
            fixed (byte* src = pixels)
            {
                int rc = TurboJpegNative.tjCompress2(tj, src, width, width * bytesPerPixel, height, pixelFormat,
                    &outBuf, &outSize, subsampling, quality, 0);
                Assert.True(rc == 0, TurboJpegNative.GetError(tj));
            }
            byte[] result = new ReadOnlySpan<byte>(outBuf, checked((int)outSize)).ToArray();
            TurboJpegNative.tjFree(outBuf);
            return result;
        }
        finally
        {
            TurboJpegNative.tjDestroy(tj);
        }
    }

    /// <summary>The JPEG with an APP1 segment holding <paramref name="payload"/> right after SOI, where Exif puts it.</summary>
    public static byte[] WithApp1(byte[] jpeg, byte[] payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), checked((ushort)(2 + payload.Length)));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>Offset of the first frame header (SOFn marker byte pair), walking the segments after SOI.</summary>
    public static int FrameHeaderOffset(byte[] jpeg) => SegmentOffset(jpeg, m => m is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC));

    /// <summary>A copy with the frame header's marker, precision, height or width replaced.</summary>
    public static byte[] WithFrameHeader(byte[] jpeg, byte? marker = null, byte? precision = null, int? height = null, int? width = null)
    {
        var copy = (byte[])jpeg.Clone();
        int sof = FrameHeaderOffset(copy);
        if (marker is { } m) copy[sof + 1] = m;
        if (precision is { } p) copy[sof + 4] = p;
        if (height is { } h) BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 5), (ushort)h);
        if (width is { } w) BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 7), (ushort)w);
        return copy;
    }

    /// <summary>A copy whose Adobe APP14 segment declares another colour transform (0 CMYK/RGB, 1 YCbCr, 2 YCCK).</summary>
    public static byte[] WithAdobeTransform(byte[] jpeg, byte transform)
    {
        var copy = (byte[])jpeg.Clone();
        int app14 = SegmentOffset(copy, m => m == 0xEE);
        Assert.True(copy.AsSpan(app14 + 4).StartsWith("Adobe"u8), "APP14 is not an Adobe segment");
        copy[app14 + 4 + 11] = transform; // "Adobe", version (2), flags0 (2), flags1 (2), transform
        return copy;
    }

    private static int SegmentOffset(byte[] jpeg, Func<byte, bool> wanted)
    {
        int pos = 2;
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            byte marker = jpeg[pos + 1];
            if (wanted(marker)) return pos;
            if (marker == 0xDA) break;
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }
        throw new InvalidOperationException("segment not found before the scan data");
    }
}
