using System.Collections.Concurrent;
using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Imaging.Preprocessing;
using ImageRec.Tests.Imaging.Builders;

namespace ImageRec.Tests.Imaging;

public sealed class ImageDecoderTests : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    public void Dispose() => _decoder.Dispose();

    private static (int W, int H, byte[] Rgb) Base => ImagingTestData.ReadNetpbm(ImagingTestData.Fixture("base.ppm"));

    private static byte[] Pixels(in DecodedImage img)
    {
        var tight = new byte[img.Width * img.Height * 3];
        for (int y = 0; y < img.Height; y++)
            img.Row(y).CopyTo(tight.AsSpan(y * img.Width * 3));
        return tight;
    }

    [Theory]
    [MemberData(nameof(ImagingTestData.SharedJpegNames), MemberType = typeof(ImagingTestData))]
    public void Shared_jpegs_decode_at_header_size(string name)
    {
        byte[] data = File.ReadAllBytes(Path.Combine(ImagingTestData.SharedImagesDir, name));
        Assert.True(ImageHeaderReader.TryRead(data, out var header));
        using DecodedImage img = _decoder.Decode(data, minShortSide: 256);
        // All test images are < 512 on the short side, so no DCT scaling happens.
        Assert.Equal((header.Width, header.Height), (img.Width, img.Height));
        Assert.Equal((header.Width, header.Height), (img.SourceWidth, img.SourceHeight));
        Assert.Equal(img.Width * 3, img.Stride);
        Assert.Equal(ImageFormat.Jpeg, img.Format);
    }

    [Fact]
    public void Img00_pixels_match_djpeg()
    {
        // Reference: `djpeg -ppm img_00.jpg` (libjpeg-turbo-progs 2.1.5, default islow IDCT and fancy upsampling),
        // then the PPM read with a few lines of Python: pixels at (x, y) and the per-channel sums over all 500x375.
        using DecodedImage img = _decoder.Decode(File.ReadAllBytes(Path.Combine(ImagingTestData.SharedImagesDir, "img_00.jpg")), 0);
        Assert.Equal((500, 375), (img.Width, img.Height));
        (int x, int y, byte r, byte g, byte b)[] expected =
        [
            (0, 0, 128, 116, 116), (499, 0, 157, 145, 133), (0, 374, 135, 128, 112),
            (499, 374, 138, 138, 136), (250, 187, 103, 83, 92), (17, 123, 133, 141, 143),
        ];
        foreach (var (x, y, r, g, b) in expected)
        {
            var px = img.Row(y).Slice(x * 3, 3);
            Assert.Equal((r, g, b), (px[0], px[1], px[2]));
        }
        long[] sum = new long[3];
        for (int y = 0; y < img.Height; y++)
        {
            var row = img.Row(y);
            for (int i = 0; i < row.Length; i++)
                sum[i % 3] += row[i];
        }
        Assert.Equal([27206996L, 24828265L, 23598384L], sum);
    }

    [Theory]
    [InlineData("rgb8.png")]
    [InlineData("rgb16.png")]     // 16-bit → 8-bit by libpng (exact: the file holds v·257)
    [InlineData("rgba8.png")]     // alpha dropped, colour untouched
    [InlineData("lossless.webp")]
    [InlineData("alpha.webp")]    // lossless with alpha (cwebp -exact keeps colour under alpha)
    public void Lossless_fixtures_decode_exactly(string name)
    {
        var (w, h, rgb) = Base;
        using DecodedImage img = _decoder.Decode(ImagingTestData.Fixture(name), 0);
        Assert.Equal((w, h), (img.Width, img.Height));
        Assert.Equal(rgb, Pixels(img));
    }

    [Fact]
    public void Palette_png_matches_imagemagick()
    {
        // palette.ppm: `convert palette.png -strip palette.ppm` (ImageMagick 6.9.11).
        var (w, h, rgb) = ImagingTestData.ReadNetpbm(ImagingTestData.Fixture("palette.ppm"));
        using DecodedImage img = _decoder.Decode(ImagingTestData.Fixture("palette.png"), 0);
        Assert.Equal((w, h), (img.Width, img.Height));
        Assert.Equal(rgb, Pixels(img));
    }

    [Fact]
    public void Grey_png_expands_to_rgb()
    {
        var (w, h, rgb) = ImagingTestData.ReadNetpbm(ImagingTestData.Fixture("gray8.pgm"));
        using DecodedImage img = _decoder.Decode(ImagingTestData.Fixture("gray8.png"), 0);
        Assert.Equal((w, h), (img.Width, img.Height));
        Assert.Equal(rgb, Pixels(img));
    }

    [Theory]
    [InlineData("rgb.jpg", 2.5)]
    [InlineData("progressive.jpg", 2.5)]
    [InlineData("cmyk.jpg", 3.0)]          // Adobe YCCK, converted from inverted CMYK here
    [InlineData("lossy.webp", 6.0)]        // 4:2:0 chroma vs. a blue channel with a 16-pixel sawtooth
    [InlineData("alpha_lossy.webp", 6.0)]  // VP8X + ALPH + VP8
    public void Lossy_fixtures_decode_close_to_the_source(string name, double maxMeanAbsDiff)
    {
        var (w, h, rgb) = Base;
        using DecodedImage img = _decoder.Decode(ImagingTestData.Fixture(name), 0);
        Assert.Equal((w, h), (img.Width, img.Height));
        double diff = ImagingTestData.MeanAbsDiff(Pixels(img), rgb);
        Assert.True(diff <= maxMeanAbsDiff, $"{name}: mean |diff| {diff:F2} > {maxMeanAbsDiff}");
    }

    [Fact]
    public void Grey_jpeg_comes_out_as_rgb_with_equal_channels()
    {
        var (_, _, grey) = ImagingTestData.ReadNetpbm(ImagingTestData.Fixture("gray8.pgm"));
        using DecodedImage img = _decoder.Decode(ImagingTestData.Fixture("gray.jpg"), 0);
        byte[] px = Pixels(img);
        for (int i = 0; i < px.Length; i += 3)
            Assert.True(px[i] == px[i + 1] && px[i] == px[i + 2]);
        Assert.True(ImagingTestData.MeanAbsDiff(px, grey) < 2.0);
    }

    [Theory]
    [InlineData(4000, 3000, 256, 8)]
    [InlineData(2000, 1500, 256, 4)]
    [InlineData(1024, 768, 256, 2)]
    [InlineData(512, 512, 256, 2)]
    [InlineData(511, 600, 256, 2)]  // TJSCALED rounds up: ceil(511/2) = 256
    [InlineData(510, 600, 256, 1)]
    [InlineData(500, 375, 256, 1)]
    [InlineData(4000, 3000, 0, 1)]
    [InlineData(2048, 4096, 256, 8)]
    [InlineData(2040, 4096, 256, 4)]
    public void Dct_scale_choice(int w, int h, int minShortSide, int expectedDenominator) =>
        Assert.Equal(expectedDenominator, JpegDecoder.ChooseScaleDenominator(w, h, minShortSide));

    [Fact]
    public void Big_jpeg_is_dct_scaled_and_still_looks_the_same()
    {
        const int W = 2000, H = 1500;
        byte[] src = new byte[W * H * 3];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                int i = (y * W + x) * 3;
                src[i] = (byte)(x * 255 / (W - 1));
                src[i + 1] = (byte)(y * 255 / (H - 1));
                src[i + 2] = 96;
            }
        byte[] jpeg = JpegWriter.EncodeRgb(src, W, H, quality: 90);

        using DecodedImage scaled = _decoder.Decode(jpeg, 256);
        Assert.Equal((500, 375), (scaled.Width, scaled.Height)); // 1/4: 375 ≥ 256, 1/8 would give 188
        Assert.Equal((W, H), (scaled.SourceWidth, scaled.SourceHeight));
        // Pixel (x, y) of the 1/4 image covers source (4x..4x+3, 4y..4y+3): compare with the smooth ramp there.
        foreach (var (x, y) in new[] { (10, 10), (250, 187), (490, 360) })
        {
            var px = scaled.Row(y).Slice(x * 3, 3);
            double er = (4 * x + 1.5) * 255 / (W - 1), eg = (4 * y + 1.5) * 255 / (H - 1);
            Assert.InRange(px[0], er - 3, er + 3);
            Assert.InRange(px[1], eg - 3, eg + 3);
            Assert.InRange(px[2], 93, 99);
        }

        using DecodedImage full = _decoder.Decode(jpeg, 0);
        Assert.Equal((W, H), (full.Width, full.Height));
    }

    [Theory]
    [InlineData("rgb.jpg", "JPEG")]
    [InlineData("progressive.jpg", "JPEG")]
    [InlineData("rgb8.png", "PNG")]
    [InlineData("rgb16.png", "PNG")]
    [InlineData("lossy.webp", "WebP")]
    [InlineData("lossless.webp", "WebP")]
    public void Truncated_files_throw_ImageDecodeException_with_a_reason(string name, string formatWord)
    {
        byte[] data = ImagingTestData.Fixture(name);
        foreach (int len in new[] { data.Length * 3 / 4, data.Length / 2, 40, 20 })
        {
            var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data.AsSpan(0, len), 0).Dispose());
            Assert.Contains(formatWord, ex.Message);
            Assert.Equal(ImageHeaderReader.DetectFormat(data), ex.Format);
        }
    }

    [Fact]
    public void Img00_truncated_reports_turbojpeg_message()
    {
        byte[] data = File.ReadAllBytes(Path.Combine(ImagingTestData.SharedImagesDir, "img_00.jpg"));
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data.AsSpan(0, data.Length / 2), 0).Dispose());
        Assert.StartsWith("corrupt JPEG data: ", ex.Message);
        Assert.True(ex.Message.Length > "corrupt JPEG data: ".Length + 5, ex.Message);
    }

    [Fact]
    public void Corrupt_png_data_and_headers_throw()
    {
        byte[] png = ImagingTestData.Fixture("rgb8.png");
        byte[] badIdat = (byte[])png.Clone();
        int idat = IndexOf(badIdat, "IDAT"u8);
        for (int i = idat + 4; i < idat + 24 && i < badIdat.Length; i++)
            badIdat[i] ^= 0xA5;
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(badIdat, 0).Dispose());
        Assert.StartsWith("corrupt PNG data: ", ex.Message);

        byte[] badHeader = (byte[])png.Clone();
        badHeader[25] = 5;
        ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(badHeader, 0).Dispose());
        Assert.Equal(("corrupt PNG header", FailureReasons.Undecodable), (ex.Message, ex.Reason));
        // libpng's own check, for the PNG decoder used alone.
        ex = Assert.Throws<ImageDecodeException>(() => new PngDecoder().Decode(badHeader, 0).Dispose());
        Assert.StartsWith("invalid PNG header: ", ex.Message);
    }

    [Fact]
    public void Unsupported_and_animated_inputs_throw_with_their_reasons()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode("GIF89a\x01\0\x01\0\0\0\0"u8, 0).Dispose());
        Assert.Equal(ImageFormat.Unknown, ex.Format);
        Assert.Equal(("GIF is not supported; send JPEG, PNG or WebP.", FailureReasons.UnsupportedFormat), (ex.Message, ex.Reason));
        ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode([], 0).Dispose());
        Assert.Equal(FailureReasons.UnsupportedType, ex.Reason);

        byte[] animated = [.. "RIFF"u8, 30, 0, 0, 0, .. "WEBP"u8, .. "VP8X"u8, 10, 0, 0, 0, 0x02, 0, 0, 0, 63, 0, 0, 47, 0, 0];
        ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(animated, 0).Dispose());
        Assert.Contains("Animated", ex.Message);
        Assert.Equal(FailureReasons.AnimatedImage, ex.Reason);
        ex = Assert.Throws<ImageDecodeException>(() => new WebPDecoder().Decode(animated, 0).Dispose());
        Assert.Equal(FailureReasons.AnimatedImage, ex.Reason);

        ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(BadInput.BadInputFiles.AnimatedPng(), 0).Dispose());
        Assert.Equal((ImageFormat.Png, FailureReasons.AnimatedImage), (ex.Format, ex.Reason));
        // libpng alone decodes an APNG's default image, the first frame; the worker refuses it before that.
        using (var first = new PngDecoder().Decode(BadInput.BadInputFiles.AnimatedPng(), 0))
            Assert.Equal((64, 48), (first.Width, first.Height));
    }

    [Fact]
    public void Pixel_limit_is_enforced_before_allocating()
    {
        using var small = new ImageDecoder(maxPixels: 1000);
        foreach (string name in new[] { "rgb.jpg", "rgb8.png", "lossy.webp" })
        {
            var ex = Assert.Throws<ImageDecodeException>(() => small.Decode(ImagingTestData.Fixture(name), 0).Dispose());
            Assert.Equal("The image is 64×48 = 3072 pixels, more than the limit of 1000.", ex.Message);
            Assert.Equal(FailureReasons.TooManyPixels, ex.Reason);
        }
    }

    public static TheoryData<string> Bombs() => ["png", "jpeg", "webp"];

    [Theory]
    [MemberData(nameof(Bombs))]
    public void Decompression_bombs_are_refused_without_allocating_their_pixels(string format)
    {
        byte[] bomb = format switch
        {
            "png" => BadInput.BadInputFiles.PngHeaderOnly(100_000, 100_000),
            // 65535² would be DCT-scaled to 8192² (200 MB of RGB) were only the decoded size limited.
            "jpeg" => JpegWriter.WithFrameHeader(BadInput.BadInputFiles.TinyJpeg(), height: 65535, width: 65535),
            _ => BadInput.BadInputFiles.WebPCanvas(16384, 16384),
        };
        _decoder.Decode(ImagingTestData.Fixture("rgb.jpg"), 0).Dispose(); // warm up: first-call allocations are not the bomb's

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(bomb, ImageNetModel.ResizeShortSide).Dispose());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(FailureReasons.TooManyPixels, ex.Reason);
        Assert.True(allocated < 256 * 1024, $"refusing the {format} bomb allocated {allocated} bytes");
    }

    [Fact]
    public void Jpeg_codings_the_decoder_cannot_handle_are_refused_by_name()
    {
        byte[] jpeg = BadInput.BadInputFiles.TinyJpeg();
        var twelveBit = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(JpegWriter.WithFrameHeader(jpeg, precision: 12), 0).Dispose());
        Assert.Equal(("12-bit JPEG is not supported; send JPEG, PNG or WebP.", FailureReasons.UnsupportedFormat), (twelveBit.Message, twelveBit.Reason));
        var lossless = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(JpegWriter.WithFrameHeader(jpeg, marker: 0xC3), 0).Dispose());
        Assert.Equal(("Lossless JPEG is not supported; send JPEG, PNG or WebP.", FailureReasons.UnsupportedFormat), (lossless.Message, lossless.Reason));

        // Arithmetic coding (SOF9) is decoded: libjpeg-turbo is built with it.
        using var arithmetic = _decoder.Decode(ImagingTestData.Fixture("arithmetic.jpg"), 0);
        using var huffman = _decoder.Decode(ImagingTestData.Fixture("rgb.jpg"), 0);
        Assert.Equal(Pixels(huffman), Pixels(arithmetic)); // jpegtran -arithmetic re-codes losslessly
    }

    public static TheoryData<string> FourComponentJpegs() => ["YCCK", "plain CMYK"];

    [Theory]
    [MemberData(nameof(FourComponentJpegs))]
    public void Cmyk_and_ycck_jpegs_decode_to_the_rgb_their_inks_mean(string kind)
    {
        var sample = kind == "YCCK" ? CmykJpegs.Ycck() : CmykJpegs.PlainCmyk();
        Assert.Equal(4, ImageHeaderReader.TryRead(sample.Jpeg, out var header) ? header.Components : 0);
        using DecodedImage img = _decoder.Decode(sample.Jpeg, 0);
        Assert.Equal((sample.Width, sample.Height), (img.Width, img.Height));
        byte[] px = Pixels(img);
        double mean = ImagingTestData.MeanAbsDiff(px, sample.ExpectedRgb);
        int worst = px.Zip(sample.ExpectedRgb, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(mean < 1.5 && worst <= 12, $"{kind}: mean |diff| {mean:F2}, worst {worst}");
    }

    [Fact]
    public void A_progressive_jpeg_with_too_many_scans_is_refused()
    {
        // 600 copies of one refinement scan: far more than any real file has. Even with warnings tolerated (which
        // would let a bogus progression through), TurboJPEG's scan limit stops it.
        byte[] jpeg = ImagingTestData.Fixture("progressive.jpg");
        int lastScan = jpeg.AsSpan().LastIndexOf([(byte)0xFF, (byte)0xDA]);
        byte[] scan = jpeg[lastScan..^2];
        byte[] bomb = [.. jpeg[..^2], .. Enumerable.Repeat(scan, 600).SelectMany(s => s), 0xFF, 0xD9];
        using var tolerant = new JpegDecoder(failOnWarning: false);
        var ex = Assert.Throws<ImageDecodeException>(() => tolerant.Decode(bomb, 0).Dispose());
        Assert.Contains("500 scans", ex.Message);
    }

    [Fact]
    public void The_exif_orientation_travels_with_the_pixels()
    {
        using var turned = _decoder.Decode(BadInput.BadInputFiles.LampStored(ImageOrientation.Rotate90), 0);
        Assert.Equal(ImageOrientation.Rotate90, turned.Orientation);
        using var plain = _decoder.Decode(ImagingTestData.Fixture("rgb.jpg"), 0);
        Assert.Equal(ImageOrientation.Normal, plain.Orientation);
        using var png = _decoder.Decode(ImagingTestData.Fixture("rgb8.png"), 0);
        Assert.Equal(ImageOrientation.Normal, png.Orientation);
    }

    [Fact]
    public void Mutated_files_either_decode_or_throw_ImageDecodeException()
    {
        var rng = new Random(99);
        foreach (string name in new[] { "rgb.jpg", "progressive.jpg", "cmyk.jpg", "rgb8.png", "palette.png", "lossy.webp", "lossless.webp", "alpha_lossy.webp" })
        {
            byte[] original = ImagingTestData.Fixture(name);
            for (int i = 0; i < 150; i++)
            {
                byte[] m = (byte[])original.Clone();
                for (int k = rng.Next(1, 6); k > 0; k--)
                    m[rng.Next(m.Length)] = (byte)rng.Next(256);
                try
                {
                    using DecodedImage img = _decoder.Decode(m, 0);
                    Assert.True(img.Width > 0 && img.Height > 0);
                }
                catch (ImageDecodeException)
                {
                }
            }
        }
    }

    [Fact]
    public void Concurrent_decoding_gives_the_same_pixels()
    {
        byte[][] files = ImagingTestData.SharedJpegs().Select(File.ReadAllBytes)
            .Concat(new[] { "rgb8.png", "rgba8.png", "lossy.webp", "cmyk.jpg" }.Select(ImagingTestData.Fixture)).ToArray();
        ulong[] expected = files.Select(f => { using var img = _decoder.Decode(f, 256); return Checksum(img); }).ToArray();

        var failures = new ConcurrentBag<string>();
        Parallel.For(0, files.Length * 6, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int f = i % files.Length;
            using DecodedImage img = _decoder.Decode(files[f], 256);
            if (Checksum(img) != expected[f])
                failures.Add($"file {f} differs");
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void Dispose_returns_the_buffer_and_blocks_further_use()
    {
        DecodedImage img = _decoder.Decode(ImagingTestData.Fixture("rgb8.png"), 0);
        Assert.True(img.IsValid);
        img.Dispose();
        Assert.False(img.IsValid);
        Assert.Throws<ObjectDisposedException>(() => img.Row(0).Length);
        img.Dispose(); // idempotent
    }

    [Fact]
    public void Standalone_decoders_work_and_jpeg_decoder_rejects_use_after_dispose()
    {
        var jpeg = new JpegDecoder();
        using (var img = jpeg.Decode(ImagingTestData.Fixture("rgb.jpg"), 0))
            Assert.Equal(64, img.Width);
        jpeg.Dispose();
        Assert.Throws<ObjectDisposedException>(() => jpeg.Decode(ImagingTestData.Fixture("rgb.jpg"), 0));

        using (var img = new PngDecoder().Decode(ImagingTestData.Fixture("rgb8.png"), 0))
            Assert.Equal(48, img.Height);
        using (var img = new WebPDecoder().Decode(ImagingTestData.Fixture("lossy.webp"), 0))
            Assert.Equal(48, img.Height);
    }

    private static ulong Checksum(in DecodedImage img)
    {
        ulong h = 14695981039346656037UL;
        for (int y = 0; y < img.Height; y++)
            foreach (byte b in img.Row(y))
                h = (h ^ b) * 1099511628211UL;
        return h ^ (ulong)img.Width << 32 ^ (ulong)img.Height;
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> what) => data.AsSpan().IndexOf(what);

}
