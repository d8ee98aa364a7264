using BenchmarkDotNet.Attributes;
using ImageRec.Common.Imaging;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Imaging.Preprocessing;

namespace ImageRec.Benchmarks;

/// <summary>
/// <see cref="ImageNetPreprocessor.Preprocess(in DecodedImage, Span{float})"/> on a decoded 500×375 photo, against
/// the textbook way (baseline): resize the whole image so the short side is 256 with the same antialiased
/// triangle filter, in doubles, two scalar passes into freshly allocated buffers, then crop 224×224 and normalise.
/// Setup checks both give the same tensor, so the ratio compares equal work. <c>OnePassSimdRotated90</c> is the same
/// photo stored turned (EXIF orientation 6, as a phone held upright stores it): what honouring the tag costs.
/// </summary>
[MemoryDiagnoser]
public class PreprocessBenchmarks
{
    private DecodedImage _image;
    private DecodedImage _turned;
    private readonly float[] _tensor = new float[ImageNetModel.TensorLength];

    [GlobalSetup]
    public void Setup()
    {
        using var decoder = new ImageDecoder();
        _image = decoder.Decode(File.ReadAllBytes(BenchPaths.TestImage("img_00.jpg")), minShortSide: 0);
        if (_image.Width != 500 || _image.Height != 375)
            throw new InvalidOperationException($"img_00.jpg is {_image.Width}×{_image.Height}, expected 500×375");

        var reference = new float[ImageNetModel.TensorLength];
        NaivePreprocess.Run(_image, reference);
        ImageNetPreprocessor.Instance.Preprocess(_image, _tensor);
        float worst = 0;
        for (int i = 0; i < reference.Length; i++)
            worst = Math.Max(worst, Math.Abs(reference[i] - _tensor[i]));
        // Normalised values span ~[-2.1, 2.6]; one 8-bit step is ~0.017 after normalisation.
        if (worst > 0.02f)
            throw new InvalidOperationException($"naive reference and ImageNetPreprocessor differ by {worst}");

        _turned = StoredTurned90(_image);
        var upright = (float[])_tensor.Clone();
        ImageNetPreprocessor.Instance.Preprocess(_turned, _tensor);
        for (int i = 0; i < upright.Length; i++)
            if (Math.Abs(upright[i] - _tensor[i]) > 1e-4f)
                throw new InvalidOperationException($"the turned photo's tensor differs at {i}");
    }

    /// <summary>Upright pixel (x, y) stored at column y, row W−1−x (TIFF orientation 6: 0th row at the right).</summary>
    private static DecodedImage StoredTurned90(in DecodedImage upright)
    {
        int w = upright.Width, h = upright.Height;
        var stored = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                upright.Row(y).Slice(x * 3, 3).CopyTo(stored.AsSpan(((w - 1 - x) * h + y) * 3));
        return DecodedImage.FromRgb24(stored, h, w, orientation: ImageOrientation.Rotate90);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _image.Dispose();
        _turned.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float NaiveScalar()
    {
        NaivePreprocess.Run(_image, _tensor);
        return _tensor[0];
    }

    [Benchmark]
    public float OnePassSimd()
    {
        ImageNetPreprocessor.Instance.Preprocess(_image, _tensor);
        return _tensor[0];
    }

    [Benchmark]
    public float OnePassSimdRotated90()
    {
        ImageNetPreprocessor.Instance.Preprocess(_turned, _tensor);
        return _tensor[0];
    }
}

/// <summary>The straightforward implementation of the model's preprocessing contract (see ImageNetModel).</summary>
internal static class NaivePreprocess
{
    public static void Run(in DecodedImage image, float[] tensor)
    {
        int w = image.Width, h = image.Height, n = ImageNetModel.InputSize;
        (int rw, int rh) = ImageNetModel.ResizedSize(w, h);
        (int left, int top) = ImageNetModel.CropOrigin(rw, rh);
        var pixels = image.Pixels;

        // Horizontal pass: every source row to rw columns.
        var (xs, xw) = Taps(w, rw);
        var horizontal = new double[h * rw * 3];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < rw; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int k = 0; k < xw[x].Length; k++)
                        sum += xw[x][k] * pixels[y * image.Stride + (xs[x] + k) * 3 + c];
                    horizontal[(y * rw + x) * 3 + c] = sum;
                }
            }
        }

        // Vertical pass: to rh rows.
        var (ys, yw) = Taps(h, rh);
        var resized = new double[rh * rw * 3];
        for (int y = 0; y < rh; y++)
        {
            for (int x = 0; x < rw; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int k = 0; k < yw[y].Length; k++)
                        sum += yw[y][k] * horizontal[((ys[y] + k) * rw + x) * 3 + c];
                    resized[(y * rw + x) * 3 + c] = sum;
                }
            }
        }

        // Crop, scale to [0,1], normalise, NCHW.
        for (int c = 0; c < 3; c++)
        {
            double mean = ImageNetModel.Mean[c], std = ImageNetModel.Std[c];
            for (int y = 0; y < n; y++)
            {
                for (int x = 0; x < n; x++)
                {
                    double v = resized[((top + y) * rw + left + x) * 3 + c];
                    tensor[c * ImageNetModel.PlaneLength + y * n + x] = (float)((v / 255.0 - mean) / std);
                }
            }
        }
    }

    /// <summary>Triangle filter widened by the reduction factor, centres aligned, edges clamped, weights summing to 1.</summary>
    private static (int[] Start, double[][] Weights) Taps(int srcSize, int dstSize)
    {
        double scale = (double)srcSize / dstSize, support = Math.Max(1.0, scale);
        var start = new int[dstSize];
        var weights = new double[dstSize][];
        for (int i = 0; i < dstSize; i++)
        {
            double center = (i + 0.5) * scale - 0.5;
            int lo = (int)Math.Ceiling(center - support), hi = (int)Math.Floor(center + support);
            int first = Math.Clamp(lo, 0, srcSize - 1), last = Math.Clamp(hi, 0, srcSize - 1);
            var w = new double[last - first + 1];
            double sum = 0;
            for (int j = lo; j <= hi; j++)
            {
                double t = 1.0 - Math.Abs(j - center) / support;
                if (t <= 0)
                    continue;
                w[Math.Clamp(j, 0, srcSize - 1) - first] += t;
                sum += t;
            }
            for (int k = 0; k < w.Length; k++)
                w[k] /= sum;
            start[i] = first;
            weights[i] = w;
        }
        return (start, weights);
    }
}
