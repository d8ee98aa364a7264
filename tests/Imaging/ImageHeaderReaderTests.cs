using System.Buffers.Binary;
using ImageRec.Common.Imaging;

namespace ImageRec.Tests.Imaging;

public class ImageHeaderReaderTests
{
    [Theory]
    [InlineData("rgb.jpg", 3, 0xC0)]
    [InlineData("gray.jpg", 1, 0xC0)]
    [InlineData("cmyk.jpg", 4, 0xC0)]
    [InlineData("progressive.jpg", 3, 0xC2)]
    public void Jpeg_fixtures(string name, int components, int sof)
    {
        Assert.Equal(ImageHeaderStatus.Ok, ImageHeaderReader.Read(ImagingTestData.Fixture(name), out var h));
        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 64, 48, components, 8, -1, (byte)sof, false, false), h);
        Assert.Equal(sof == 0xC2, h.IsProgressiveJpeg);
    }

    [Theory]
    [InlineData("rgb8.png", 2, 8, 3, false)]
    [InlineData("rgba8.png", 6, 8, 4, true)]
    [InlineData("gray8.png", 0, 8, 1, false)]
    [InlineData("rgb16.png", 2, 16, 3, false)]
    [InlineData("palette.png", 3, 8, 1, false)]
    public void Png_fixtures(string name, int colorType, int bitDepth, int components, bool alpha)
    {
        Assert.True(ImageHeaderReader.TryRead(ImagingTestData.Fixture(name), out var h));
        Assert.Equal(new ImageHeader(ImageFormat.Png, 64, 48, components, bitDepth, colorType, 0, alpha, false), h);
    }

    [Theory]
    [InlineData("lossy.webp", false)]       // VP8
    [InlineData("lossless.webp", false)]    // VP8L
    [InlineData("alpha.webp", true)]        // VP8L with alpha bit
    [InlineData("alpha_lossy.webp", true)]  // VP8X + ALPH + VP8
    public void WebP_fixtures(string name, bool alpha)
    {
        Assert.True(ImageHeaderReader.TryRead(ImagingTestData.Fixture(name), out var h));
        Assert.Equal(ImageFormat.WebP, h.Format);
        Assert.Equal((64, 48), (h.Width, h.Height));
        Assert.Equal(alpha, h.HasAlpha);
        Assert.False(h.IsAnimated);
    }

    [Fact]
    public void Shared_test_jpegs_are_three_component_colour()
    {
        int n = 0;
        foreach (string path in ImagingTestData.SharedJpegs())
        {
            Assert.Equal(ImageHeaderStatus.Ok, ImageHeaderReader.Read(File.ReadAllBytes(path), out var h));
            Assert.Equal(ImageFormat.Jpeg, h.Format);
            Assert.Equal(3, h.Components);
            Assert.InRange(h.Width, 80, 600);
            Assert.InRange(h.Height, 80, 600);
            n++;
        }
        Assert.Equal(30, n);
    }

    [Theory]
    [InlineData("rgb.jpg")]
    [InlineData("progressive.jpg")]
    [InlineData("rgb8.png")]
    [InlineData("lossy.webp")]
    [InlineData("lossless.webp")]
    [InlineData("alpha_lossy.webp")]
    public void Every_prefix_is_truncated_until_the_header_is_complete(string name)
    {
        byte[] data = ImagingTestData.Fixture(name);
        ImageFormat format = ImageHeaderReader.DetectFormat(data);
        int magic = format switch { ImageFormat.Jpeg => 3, ImageFormat.Png => 8, _ => 12 };
        bool seenOk = false;
        for (int len = 0; len <= data.Length; len++)
        {
            var status = ImageHeaderReader.Read(data.AsSpan(0, len), out var h);
            if (len < magic)
                Assert.Equal(ImageHeaderStatus.UnsupportedFormat, status);
            else if (!seenOk && status != ImageHeaderStatus.Ok)
                Assert.Equal(ImageHeaderStatus.Truncated, status);
            else
            {
                Assert.Equal(ImageHeaderStatus.Ok, status); // once complete, more data never changes the answer
                Assert.Equal((64, 48), (h.Width, h.Height));
                seenOk = true;
            }
        }
        Assert.True(seenOk);
    }

    [Fact]
    public void Gif_bmp_tiff_text_and_empty_are_unsupported()
    {
        byte[][] samples =
        [
            [.. "GIF89a"u8, 0x40, 0x00, 0x30, 0x00, 0, 0, 0],
            [.. "BM"u8, 0x36, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0],
            [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0],
            "hello, world, this is not an image"u8.ToArray(),
            [],
            [0xFF, 0xD8], // SOI alone is too short to call it JPEG
            [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8],
        ];
        foreach (byte[] s in samples)
        {
            Assert.Equal(ImageFormat.Unknown, ImageHeaderReader.DetectFormat(s));
            Assert.Equal(ImageHeaderStatus.UnsupportedFormat, ImageHeaderReader.Read(s, out var h));
            Assert.False(ImageHeaderReader.TryRead(s, out _));
            Assert.Equal(default, h);
        }
    }

    [Fact]
    public void Jpeg_with_fill_bytes_app_segments_and_dqt_before_sof()
    {
        var b = new List<byte> { 0xFF, 0xD8 };
        b.AddRange([0xFF, 0xE0, 0x00, 0x10, .. "JFIF"u8, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]); // APP0
        b.AddRange([0xFF, 0xFF, 0xFF, 0xE1, 0x00, 0x04, 0xFF, 0xC0]);                 // fill bytes, APP1 containing FF C0
        b.AddRange([0xFF, 0xFE, 0x00, 0x05, (byte)'h', (byte)'i', (byte)'!']);       // COM
        b.AddRange([0xFF, 0xC4, 0x00, 0x03, 0x00]);                                  // DHT (0xC4 is not a SOF)
        b.AddRange([0xFF, 0xCC, 0x00, 0x04, 0x00, 0x00]);                            // DAC
        b.AddRange([0xFF, 0xC1, 0x00, 0x11, 0x08, 0x01, 0x2C, 0x02, 0x58, 0x03,     // SOF1 600x300, 3 comps
            1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        Assert.Equal(ImageHeaderStatus.Ok, ImageHeaderReader.Read(b.ToArray(), out var h));
        Assert.Equal((600, 300, 3, 8, (byte)0xC1), (h.Width, h.Height, h.Components, h.BitDepth, h.JpegSofMarker));
    }

    [Fact]
    public void Jpeg_corrupt_headers()
    {
        // SOS before any SOF
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0], out _));
        // EOI before any SOF
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read([0xFF, 0xD8, 0xFF, 0xD9], out _));
        // segment length < 2
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0, 0], out _));
        // zero width in SOF0
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read(
            [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 8, 0x00, 0x10, 0x00, 0x00, 1, 1, 0x11, 0], out _));
        // APP segment claims more bytes than there are
        Assert.Equal(ImageHeaderStatus.Truncated, ImageHeaderReader.Read([0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xF0, 1, 2, 3], out _));
    }

    [Fact]
    public void Huge_declared_dimensions_are_read_exactly()
    {
        // JPEG: 65535 x 65535
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xC2, 0x00, 0x0B, 8, 0xFF, 0xFF, 0xFF, 0xFF, 1, 1, 0x11, 0];
        Assert.True(ImageHeaderReader.TryRead(jpeg, out var h));
        Assert.Equal((65535, 65535, 1), (h.Width, h.Height, h.Components));
        Assert.True(h.IsProgressiveJpeg);

        // PNG: (2^31 - 1) x 1_000_000_000 with a correct CRC
        byte[] png = Png(int.MaxValue, 1_000_000_000, bitDepth: 8, colorType: 6);
        Assert.True(ImageHeaderReader.TryRead(png, out h));
        Assert.Equal((int.MaxValue, 1_000_000_000), (h.Width, h.Height));
        Assert.Equal((long)int.MaxValue * 1_000_000_000, h.PixelCount);

        // PNG: width 2^31 is out of range
        byte[] tooWide = Png(unchecked((int)0x80000000u), 1, 8, 2);
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read(tooWide, out _));

        // WebP VP8X: 2^24 x 2^24, animated
        byte[] vp8x = [.. "RIFF"u8, 30, 0, 0, 0, .. "WEBP"u8, .. "VP8X"u8, 10, 0, 0, 0, 0x12, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.True(ImageHeaderReader.TryRead(vp8x, out h));
        Assert.Equal((1 << 24, 1 << 24, true, true), (h.Width, h.Height, h.IsAnimated, h.HasAlpha));

        // WebP VP8L: 16384 x 16384
        byte[] vp8l = [.. "RIFF"u8, 17, 0, 0, 0, .. "WEBP"u8, .. "VP8L"u8, 5, 0, 0, 0, 0x2F, 0xFF, 0xFF, 0xFF, 0x0F];
        Assert.True(ImageHeaderReader.TryRead(vp8l, out h));
        Assert.Equal((16384, 16384, false), (h.Width, h.Height, h.HasAlpha));

        // WebP VP8: 16383 x 16383 (14 bits; the top 2 bits are the upscaling hint)
        byte[] vp8 = [.. "RIFF"u8, 22, 0, 0, 0, .. "WEBP"u8, .. "VP8 "u8, 10, 0, 0, 0, 0x10, 0, 0, 0x9D, 0x01, 0x2A, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.True(ImageHeaderReader.TryRead(vp8, out h));
        Assert.Equal((16383, 16383), (h.Width, h.Height));
    }

    [Fact]
    public void Png_and_webp_corrupt_headers()
    {
        byte[] png = ImagingTestData.Fixture("rgb8.png");
        byte[] badType = (byte[])png.Clone();
        badType[25] = 5; // colour type 5 does not exist
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read(badType, out _));
        byte[] badCrc = (byte[])png.Clone();
        badCrc[30] ^= 0x55;
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read(badCrc, out _));
        byte[] notIhdr = (byte[])png.Clone();
        notIhdr[12] = (byte)'X';
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read(notIhdr, out _));

        byte[] unknownChunk = [.. "RIFF"u8, 30, 0, 0, 0, .. "WEBP"u8, .. "ABCD"u8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read(unknownChunk, out _));
        byte[] badStartCode = ImagingTestData.Fixture("lossy.webp");
        badStartCode[23] = 0;
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read(badStartCode, out _));
        byte[] tinyRiff = [.. "RIFF"u8, 4, 0, 0, 0, .. "WEBP"u8, .. "VP8L"u8, 5, 0, 0, 0, 0x2F, 0, 0, 0, 0];
        Assert.Equal(ImageHeaderStatus.Corrupt, ImageHeaderReader.Read(tinyRiff, out _));
    }

    [Fact]
    public void Random_garbage_and_mutations_never_throw()
    {
        var rng = new Random(1234);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] buf = new byte[rng.Next(0, 64)];
            rng.NextBytes(buf);
            // Give many of them a valid magic so the format parsers get exercised, not just the sniffer.
            switch (i % 4)
            {
                case 1 when buf.Length >= 3: buf[0] = 0xFF; buf[1] = 0xD8; buf[2] = 0xFF; break;
                case 2 when buf.Length >= 8: PngSignature.CopyTo(buf); break;
                case 3 when buf.Length >= 12: "RIFF"u8.CopyTo(buf); "WEBP"u8.CopyTo(buf.AsSpan(8)); break;
            }
            var status = ImageHeaderReader.Read(buf, out var h);
            if (status == ImageHeaderStatus.Ok)
                Assert.True(h.Width > 0 && h.Height > 0);
        }

        foreach (string name in new[] { "rgb.jpg", "rgb8.png", "lossy.webp", "lossless.webp", "alpha_lossy.webp" })
        {
            byte[] original = ImagingTestData.Fixture(name);
            for (int i = 0; i < 2_000; i++)
            {
                byte[] m = (byte[])original.Clone();
                for (int k = rng.Next(1, 4); k > 0; k--)
                    m[rng.Next(Math.Min(m.Length, 200))] = (byte)rng.Next(256);
                var status = ImageHeaderReader.Read(m.AsSpan(0, rng.Next(m.Length + 1)), out var h);
                if (status == ImageHeaderStatus.Ok)
                    Assert.True(h.Width > 0 && h.Height > 0);
            }
        }
    }

    [Fact]
    public void Describe_gives_reasons()
    {
        Assert.Contains("unsupported", ImageHeaderReader.Describe(ImageHeaderStatus.UnsupportedFormat));
        Assert.Equal("truncated PNG header", ImageHeaderReader.Describe(ImageHeaderStatus.Truncated, ImageFormat.Png));
        Assert.Equal("corrupt JPEG header", ImageHeaderReader.Describe(ImageHeaderStatus.Corrupt, ImageFormat.Jpeg));
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static byte[] Png(int width, int height, byte bitDepth, byte colorType)
    {
        byte[] b = new byte[33];
        PngSignature.CopyTo(b);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), 13);
        "IHDR"u8.CopyTo(b.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), height);
        b[24] = bitDepth;
        b[25] = colorType;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(29), Crc32(b.AsSpan(12, 17)));
        return b;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        // Table-driven (independent of the bitwise one in the reader).
        Span<uint> table = stackalloc uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[(int)n] = c;
        }
        uint crc = 0xFFFFFFFFu;
        foreach (byte x in data)
            crc = table[(int)((crc ^ x) & 0xFF)] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }
}
