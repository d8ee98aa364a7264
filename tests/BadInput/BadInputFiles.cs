using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ImageRec.Common.Imaging;
using ImageRec.Tests.Imaging;
using ImageRec.Tests.Imaging.Builders;
using ImageRec.Tests.Infrastructure;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Imaging.Native;

namespace ImageRec.Tests.BadInput;

/// <summary>
/// The files of the bad-input table, made in code where that is possible (tests/Fixtures/imaging where a tool was
/// needed, ../shared for real photos). Each is built when a test asks for it.
/// </summary>
internal static class BadInputFiles
{
    /// <summary>A photo whose top-1 changes when it is seen turned by 90° or 180° (see the orientation tests).</summary>
    public const string LampPhoto = "img_26.jpg";
    public const string LampLabel = "table lamp";

    public static byte[] Photo() => SharedImage("img_00.jpg");

    public static byte[] SharedImage(string name) => File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", name));

    public static byte[] Fixture(string name) => ImagingTestData.Fixture(name);

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Pdf() => Text("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

    public static byte[] Zip()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = new StreamWriter(zip.CreateEntry("photo.jpg.txt").Open()))
            entry.Write("not a photo");
        return stream.ToArray();
    }

    /// <summary>A 1×1 GIF89a: header, logical screen with a 2-colour table, one image, trailer.</summary>
    public static byte[] Gif() => [.. GifHead, .. GifFrame, 0x3B];

    /// <summary>A two-frame looping GIF: the NETSCAPE2.0 loop extension and a graphic control block before each frame.</summary>
    public static byte[] AnimatedGif()
    {
        byte[] loop = [0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00];
        byte[] delay = [0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00];
        return [.. GifHead, .. loop, .. delay, .. GifFrame, .. delay, .. GifFrame, 0x3B];
    }

    private static byte[] GifHead => [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF];
    private static byte[] GifFrame => [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00];

    /// <summary>A 1×1 24-bit BMP: BITMAPFILEHEADER, BITMAPINFOHEADER, one padded row.</summary>
    public static byte[] Bmp()
    {
        var b = new byte[58];
        "BM"u8.CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(2), 58);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), 1);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(28), 24);
        b[54] = 0x20; b[55] = 0x40; b[56] = 0x80;
        return b;
    }

    /// <summary>A little-endian TIFF header pointing at an IFD with one entry (ImageWidth 1).</summary>
    public static byte[] Tiff() => [.. "II*\0"u8, 8, 0, 0, 0, 1, 0, 0x00, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>The start of an ISO base media file: an ftyp box with the given major and compatible brands, then a meta box.</summary>
    public static byte[] IsoMedia(string major, params string[] compatible)
    {
        var ftyp = new List<byte>();
        ftyp.AddRange(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(16 + 4 * compatible.Length)));
        ftyp.AddRange("ftyp"u8.ToArray());
        ftyp.AddRange(Encoding.ASCII.GetBytes(major));
        ftyp.AddRange(new byte[4]);
        foreach (var brand in compatible) ftyp.AddRange(Encoding.ASCII.GetBytes(brand));
        return [.. ftyp, 0, 0, 0, 12, .. "meta"u8, 0, 0, 0, 0];
    }

    public static byte[] JpegXl() => [0xFF, 0x0A, 0xFA, 0x7F, 0x01, 0x90, 0x08, 0x06, 0x01, 0x00, 0x48, 0x00];

    public static byte[] Svg() => Text("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>\n");

    /// <summary>A 16×16 baseline JPEG, for frame headers that claim something else.</summary>
    public static byte[] TinyJpeg() => JpegWriter.EncodeRgb(Gradient(16, 16), 16, 16, quality: 90);

    /// <summary>A PNG signature and an IHDR (8-bit RGB) declaring the size, and nothing else.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height) => PngWriter.Header(width, height);

    /// <summary>A WebP whose VP8X canvas declares the size, followed by the 64×48 lossless fixture's bitstream.</summary>
    public static byte[] WebPCanvas(int width, int height) =>
        WebPWriter.Extended(width, height, flags: 0, Fixture("lossless.webp")[12..]);

    /// <summary>The lossy WebP fixture with a frame width of 0 in its VP8 frame header.</summary>
    public static byte[] WebPZeroWidth()
    {
        var webp = Fixture("lossy.webp");
        webp[26] = 0; // VP8 payload starts at 20: frame tag (3), start code (3), width (2, little-endian, 14 bits)
        webp[27] = (byte)(webp[27] & 0xC0);
        return webp;
    }

    /// <summary>Pseudo-random RGB that deflate cannot shrink, so a cut lands inside the image data.</summary>
    public static byte[] NoisyPng(int size) => PngWriter.Encode(size, size, colorType: 2, bitDepth: 8,
        (x, y, c) => (int)((uint)((x * 73856093) ^ (y * 19349663) ^ (c * 83492791)) * 2654435761u >> 24));

    /// <summary>The first <paramref name="percent"/>% of a file.</summary>
    public static byte[] Cut(byte[] file, int percent) => file[..(file.Length * percent / 100)];

    /// <summary>A file with <paramref name="count"/> bytes XOR-ed at the start of its first IDAT chunk's data.</summary>
    public static byte[] DamagedIdat(byte[] png, int count = 20)
    {
        var copy = (byte[])png.Clone();
        int data = copy.AsSpan().IndexOf("IDAT"u8) + 4;
        for (int i = data; i < data + count && i < copy.Length - 4; i++) copy[i] ^= 0xA5;
        return copy;
    }

    /// <summary>A JPEG signature and then zeros: as many bytes as asked for.</summary>
    public static byte[] JpegLookalike(int size)
    {
        var bytes = new byte[size];
        bytes[0] = 0xFF; bytes[1] = 0xD8; bytes[2] = 0xFF;
        return bytes;
    }

    /// <summary>A 64×48 APNG of two frames: acTL and the first fcTL before IDAT (the default image is frame 1), then fcTL + fdAT.</summary>
    public static byte[] AnimatedPng()
    {
        const int W = 64, H = 48;
        Func<int, int, int, int> first = (x, y, c) => c == 0 ? x * 4 : y * 5, second = (x, y, c) => c == 2 ? 200 : x;
        byte[] frameData = PngWriter.Compress(PngWriter.Scanlines(W, H, 2, 8, second));
        return PngWriter.Encode(W, H, colorType: 2, bitDepth: 8, first,
            beforeImageData: [PngWriter.Chunk("acTL", [0, 0, 0, 2, 0, 0, 0, 0]), FrameControl(0, W, H)],
            afterImageData: [FrameControl(1, W, H), PngWriter.Chunk("fdAT", [0, 0, 0, 2, .. frameData])]);

        static byte[] FrameControl(uint sequence, int width, int height)
        {
            var fctl = new byte[26];
            BinaryPrimitives.WriteUInt32BigEndian(fctl, sequence);
            BinaryPrimitives.WriteInt32BigEndian(fctl.AsSpan(4), width);
            BinaryPrimitives.WriteInt32BigEndian(fctl.AsSpan(8), height);
            BinaryPrimitives.WriteUInt16BigEndian(fctl.AsSpan(20), 1);  // delay 1/10 s
            BinaryPrimitives.WriteUInt16BigEndian(fctl.AsSpan(22), 10);
            return PngWriter.Chunk("fcTL", fctl);
        }
    }

    public static byte[] AnimatedWebP() => WebPWriter.Animated(Fixture("lossless.webp"), 64, 48);

    /// <summary>16-bit grey + alpha (colour type 4), a colour type and depth none of the fixtures has.</summary>
    public static byte[] Grey16AlphaPng() => PngWriter.Encode(64, 48, colorType: 4, bitDepth: 16,
        (x, y, c) => c == 0 ? x * 1000 + y * 20 : 65535 - y * 1000);

    /// <summary>The lamp photo, cropped to 248×248 (whole 8×8 blocks), stored as a camera with this orientation would store it, and tagged so.</summary>
    public static byte[] LampStored(ImageOrientation orientation, bool bigEndian = false) =>
        JpegWriter.WithApp1(LampStoredUntagged(orientation), ExifBlock.WithOrientation((int)orientation, bigEndian));

    /// <summary>The same stored pixels without the Exif segment: how a viewer that ignores orientation sees them.</summary>
    public static byte[] LampStoredUntagged(ImageOrientation orientation)
    {
        var (rgb, w, h) = OrientedImage.Stored(LampUpright.Value.Rgb, LampSide, LampSide, orientation);
        return JpegWriter.EncodeRgb(rgb, w, h, quality: 95, TurboJpegNative.TJSAMP_444);
    }

    /// <summary>The upright lamp with an APP1 that says "Exif" but holds no valid TIFF structure.</summary>
    public static byte[] LampWithGarbageExif() =>
        JpegWriter.WithApp1(LampStoredUntagged(ImageOrientation.Normal), [.. "Exif\0\0"u8, .. "XX*\0garbage, not TIFF"u8]);

    public const int LampSide = 248;

    /// <summary>The lamp photo decoded and cropped to <see cref="LampSide"/> square.</summary>
    public static readonly Lazy<(byte[] Rgb, int Width, int Height)> LampUpright = new(() =>
    {
        using var decoder = new ImageDecoder();
        using var image = decoder.Decode(SharedImage(LampPhoto), minShortSide: 0);
        var rgb = new byte[LampSide * LampSide * 3];
        for (int y = 0; y < LampSide; y++)
            image.Row(y)[..(LampSide * 3)].CopyTo(rgb.AsSpan(y * LampSide * 3));
        return (rgb, LampSide, LampSide);
    });

    private static byte[] Gradient(int w, int h)
    {
        var rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++)
        {
            rgb[3 * i] = (byte)(i % w * 16);
            rgb[3 * i + 1] = (byte)(i / w * 16);
            rgb[3 * i + 2] = 128;
        }
        return rgb;
    }
}
