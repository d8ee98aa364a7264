using ImageRec.Worker.Imaging;
using ImageRec.Worker.Imaging.Preprocessing;

namespace ImageRec.Tests.Imaging;

public class ImageNetPreprocessorTests
{
    private const int N = 224, Plane = N * N;
    private static readonly double[] Mean = [0.485, 0.456, 0.406];
    private static readonly double[] Std = [0.229, 0.224, 0.225];

    private static double Norm(double value255, int c) => (value255 / 255.0 - Mean[c]) / Std[c];

    private static float[] Run(byte[] rgb, int w, int h, int stride = 0)
    {
        var dst = new float[ImageNetModel.TensorLength];
        using DecodedImage img = DecodedImage.FromRgb24(rgb, w, h, stride);
        ImageNetPreprocessor.Instance.Preprocess(in img, dst);
        return dst;
    }

    private static byte[] Image(int w, int h, Func<int, int, int, byte> f)
    {
        var rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                    rgb[(y * w + x) * 3 + c] = f(x, y, c);
        return rgb;
    }

    [Fact]
    public void Model_constants()
    {
        Assert.Equal(224, ImageNetModel.InputSize);
        Assert.Equal(256, ImageNetModel.ResizeShortSide);
        Assert.Equal(3 * 224 * 224, ImageNetModel.TensorLength);
        Assert.Equal([0.485f, 0.456f, 0.406f], ImageNetModel.Mean.ToArray());
        Assert.Equal([0.229f, 0.224f, 0.225f], ImageNetModel.Std.ToArray());
    }

    [Theory]
    [InlineData(300, 257, 298, 256, 37, 16)]
    [InlineData(257, 300, 256, 298, 16, 37)]
    [InlineData(128, 100, 327, 256, 52, 16)]   // (327−224)/2 = 51.5 rounds up
    [InlineData(500, 375, 341, 256, 59, 16)]   // 341.33 floors to 341; 58.5 → 59
    [InlineData(375, 500, 256, 341, 16, 59)]
    [InlineData(256, 256, 256, 256, 16, 16)]
    [InlineData(1, 1, 256, 256, 16, 16)]
    [InlineData(4000, 3000, 341, 256, 59, 16)]
    [InlineData(1, 1000, 256, 256000, 16, 127888)]
    public void Resize_and_crop_geometry(int w, int h, int rw, int rh, int left, int top)
    {
        Assert.Equal((rw, rh), ImageNetModel.ResizedSize(w, h));
        Assert.Equal((left, top), ImageNetModel.CropOrigin(rw, rh));
    }

    [Theory]
    [InlineData(300, 257)]
    [InlineData(64, 48)]
    [InlineData(1000, 700)]
    [InlineData(1, 1)]
    public void Solid_colour_gives_exact_normalised_constants(int w, int h)
    {
        byte[] colour = [10, 200, 77];
        float[] t = Run(Image(w, h, (_, _, c) => colour[c]), w, h);
        for (int c = 0; c < 3; c++)
        {
            double expected = Norm(colour[c], c);
            for (int i = 0; i < Plane; i++)
                Assert.Equal(expected, t[c * Plane + i], 1e-5);
        }
    }

    [Fact]
    public void Planes_are_R_then_G_then_B()
    {
        float[] t = Run(Image(50, 40, (_, _, c) => c == 0 ? (byte)255 : (byte)0), 50, 40);
        Assert.Equal((1 - 0.485) / 0.229, t[0], 1e-5);
        Assert.Equal((0 - 0.456) / 0.224, t[Plane], 1e-5);
        Assert.Equal((0 - 0.406) / 0.225, t[2 * Plane + Plane - 1], 1e-5);
    }

    [Fact]
    public void Upscaled_horizontal_ramp_stays_linear()
    {
        // 128×100 → 327×256, crop at x = 52. Bilinear reproduces a linear function exactly wherever no tap is clamped,
        // and every source position used here lies inside the image (≈ 20 … 108).
        const int W = 128, H = 100;
        float[] t = Run(Image(W, H, (x, _, c) => c switch { 0 => (byte)(2 * x), 1 => (byte)(255 - 2 * x), _ => 128 }), W, H);
        double scale = W / 327.0;
        for (int y = 0; y < N; y += 37)
            for (int x = 0; x < N; x++)
            {
                double srcX = (52 + x + 0.5) * scale - 0.5;
                Assert.Equal(Norm(2 * srcX, 0), t[y * N + x], 1e-4);
                Assert.Equal(Norm(255 - 2 * srcX, 1), t[Plane + y * N + x], 1e-4);
                Assert.Equal(Norm(128, 2), t[2 * Plane + y * N + x], 1e-4);
            }
    }

    [Fact]
    public void Upscaled_vertical_ramp_stays_linear()
    {
        const int W = 100, H = 128;
        float[] t = Run(Image(W, H, (_, y, c) => c == 1 ? (byte)(2 * y) : (byte)0), W, H);
        double scale = H / 327.0;
        for (int y = 0; y < N; y++)
        {
            double srcY = (52 + y + 0.5) * scale - 0.5;
            for (int x = 0; x < N; x += 31)
                Assert.Equal(Norm(2 * srcY, 1), t[Plane + y * N + x], 1e-4);
        }
    }

    [Theory]
    [InlineData(500, 375, 1)]   // downscale 1.46
    [InlineData(300, 257, 2)]   // odd sizes, mild downscale
    [InlineData(257, 300, 3)]
    [InlineData(1200, 900, 4)]  // downscale 3.5: 8-tap filters
    [InlineData(150, 90, 5)]    // upscale with clamped edges
    [InlineData(700, 260, 6)]   // very wide: crop far from the left
    public void Matches_slow_reference_on_noise(int w, int h, int seed)
    {
        var rng = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        rng.NextBytes(rgb);
        float[] t = Run(rgb, w, h);
        double[] r = Reference(rgb, w, h, w * 3);
        for (int i = 0; i < r.Length; i++)
            Assert.True(Math.Abs(r[i] - t[i]) <= 1e-4, $"index {i}: reference {r[i]} vs {t[i]}");
    }

    [Theory]
    [InlineData(500, 375, 1)]
    [InlineData(1200, 900, 4)]
    [InlineData(150, 90, 5)]
    [InlineData(257, 300, 3)]
    public void Scalar_and_simd_kernels_both_match_slow_reference(int w, int h, int seed)
    {
        var rng = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        rng.NextBytes(rgb);
        double[] r = Reference(rgb, w, h, w * 3);
        foreach (bool simd in new[] { false, true, false })
        {
            var t = new float[ImageNetModel.TensorLength];
            ImageNetPreprocessor.Preprocess(rgb, w, h, w * 3, t, simd);
            for (int i = 0; i < r.Length; i++)
                Assert.True(Math.Abs(r[i] - t[i]) <= 1e-4, $"simd={simd} index {i}: reference {r[i]} vs {t[i]}");
        }
    }

    [Fact]
    public void Padded_stride_gives_the_same_tensor()
    {
        const int W = 333, H = 280, Stride = W * 3 + 13;
        var rng = new Random(7);
        byte[] tight = new byte[W * H * 3];
        rng.NextBytes(tight);
        byte[] padded = new byte[Stride * H];
        rng.NextBytes(padded);
        for (int y = 0; y < H; y++)
            tight.AsSpan(y * W * 3, W * 3).CopyTo(padded.AsSpan(y * Stride));
        Assert.Equal(Run(tight, W, H), Run(padded, W, H, Stride));
    }

    [Fact]
    public void Real_image_matches_slow_reference()
    {
        using var decoder = new ImageDecoder();
        using DecodedImage img = decoder.Decode(File.ReadAllBytes(Path.Combine(ImagingTestData.SharedImagesDir, "img_00.jpg")), 256);
        var t = new float[ImageNetModel.TensorLength];
        ImageNetPreprocessor.Instance.Preprocess(in img, t);
        double[] r = Reference(img.Pixels.ToArray(), img.Width, img.Height, img.Stride);
        for (int i = 0; i < r.Length; i++)
            Assert.True(Math.Abs(r[i] - t[i]) <= 1e-4, $"index {i}: reference {r[i]} vs {t[i]}");
    }

    [Fact]
    public void Rejects_short_destination_and_bad_geometry()
    {
        byte[] rgb = new byte[10 * 10 * 3];
        Assert.Throws<ArgumentException>(() => ImageNetPreprocessor.Preprocess(rgb, 10, 10, 30, new float[100]));
        Assert.Throws<ArgumentException>(() => ImageNetPreprocessor.Preprocess(rgb, 10, 11, 30, new float[ImageNetModel.TensorLength]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageNetPreprocessor.Preprocess(rgb, 10, 10, 29, new float[ImageNetModel.TensorLength]));
    }

    [Fact]
    public void Concurrent_calls_with_different_sizes_agree_with_sequential_ones()
    {
        var sizes = new[] { (500, 375), (90, 120), (1200, 900), (300, 257) };
        var images = sizes.Select((s, i) => { var b = new byte[s.Item1 * s.Item2 * 3]; new Random(i).NextBytes(b); return b; }).ToArray();
        var expected = images.Select((b, i) => Run(b, sizes[i].Item1, sizes[i].Item2)).ToArray();
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 6 }, k =>
        {
            int i = k % images.Length;
            Assert.Equal(expected[i], Run(images[i], sizes[i].Item1, sizes[i].Item2));
        });
    }

    /// <summary>
    /// Obviously-correct, slow reference: for every output pixel of the crop, the direct 2-D sum over all source pixels
    /// of tri(dx)·tri(dy)·value (edge pixels repeated), divided by the sum of the weights, in double precision.
    /// </summary>
    private static double[] Reference(byte[] rgb, int w, int h, int stride)
    {
        int rw, rh;
        if (w <= h) { rw = 256; rh = (int)Math.Floor(256.0 * h / w); }
        else { rh = 256; rw = (int)Math.Floor(256.0 * w / h); }
        int left = (int)Math.Floor((rw - 224) / 2.0 + 0.5), top = (int)Math.Floor((rh - 224) / 2.0 + 0.5);
        double sx = (double)w / rw, sy = (double)h / rh;
        double supX = Math.Max(1, sx), supY = Math.Max(1, sy);
        var result = new double[3 * Plane];
        for (int oy = 0; oy < N; oy++)
        {
            double cy = (top + oy + 0.5) * sy - 0.5;
            for (int ox = 0; ox < N; ox++)
            {
                double cx = (left + ox + 0.5) * sx - 0.5;
                double r = 0, g = 0, b = 0, wsum = 0;
                for (int j = (int)Math.Floor(cy - supY); j <= (int)Math.Ceiling(cy + supY); j++)
                {
                    double wy = Math.Max(0, 1 - Math.Abs(j - cy) / supY);
                    if (wy == 0) continue;
                    int yy = Math.Clamp(j, 0, h - 1);
                    for (int i = (int)Math.Floor(cx - supX); i <= (int)Math.Ceiling(cx + supX); i++)
                    {
                        double wx = Math.Max(0, 1 - Math.Abs(i - cx) / supX);
                        if (wx == 0) continue;
                        int p = yy * stride + Math.Clamp(i, 0, w - 1) * 3;
                        double wt = wx * wy;
                        r += wt * rgb[p]; g += wt * rgb[p + 1]; b += wt * rgb[p + 2];
                        wsum += wt;
                    }
                }
                result[oy * N + ox] = Norm(r / wsum, 0);
                result[Plane + oy * N + ox] = Norm(g / wsum, 1);
                result[2 * Plane + oy * N + ox] = Norm(b / wsum, 2);
            }
        }
        return result;
    }
}
