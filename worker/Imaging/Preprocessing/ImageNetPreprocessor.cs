using System.Numerics;
using System.Runtime.CompilerServices;

namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>
/// Turns a decoded RGB24 image into the model's input tensor in one pass: resize so the shorter side is 256
/// (antialiased bilinear, i.e. a triangle filter widened by the reduction factor when downscaling, like
/// libvips <c>kernel: linear</c> / PIL BILINEAR), center-crop 224×224, scale to [0,1], normalise per channel, and
/// write NCHW planes R, G, B. Only the 224×224 output pixels of the virtual resized image are computed:
/// separable filter taps are precomputed for the 224 output columns and rows, the horizontal pass runs only
/// over the source rows the crop needs (into a small ring buffer), then the vertical pass and normalisation
/// write straight into the destination planes. Thread-safe; scratch memory is per thread and reused.
/// </summary>
public sealed class ImageNetPreprocessor
{
    private const int N = ImageNetModel.InputSize;
    private const int RowFloats = 3 * N; // one horizontally filtered source row, planar: R[224] G[224] B[224]

    /// <summary>Shared instance (the type is stateless).</summary>
    public static ImageNetPreprocessor Instance { get; } = new();

    /// <summary>Fills <paramref name="destination"/> (at least 3·224·224 floats) with the normalised NCHW tensor.</summary>
    public void Preprocess(in DecodedImage image, Span<float> destination) =>
        Preprocess(image.Pixels, image.Width, image.Height, image.Stride, destination);

    /// <summary>Same as the <see cref="DecodedImage"/> overload, for RGB24 pixels held elsewhere.</summary>
    public static unsafe void Preprocess(ReadOnlySpan<byte> rgb24, int width, int height, int stride, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width * 3);
        if ((long)stride * (height - 1) + 3L * width > rgb24.Length)
            throw new ArgumentException("pixel span too small for width/height/stride", nameof(rgb24));
        if (destination.Length < ImageNetModel.TensorLength)
            throw new ArgumentException($"destination needs {ImageNetModel.TensorLength} floats", nameof(destination));

        (int resizedW, int resizedH) = ImageNetModel.ResizedSize(width, height);
        (int left, int top) = ImageNetModel.CropOrigin(resizedW, resizedH);

        Scratch s = Scratch.ForCurrentThread();
        s.Horizontal.Compute(width, resizedW, left);
        s.Vertical.Compute(height, resizedH, top);

        // Rows of the horizontal result that must be alive at once (see FilterTaps.RingRows).
        int ringRows = s.Vertical.RingRows;
        float[] ring = s.Ring(ringRows * RowFloats);
        float[] acc = s.Accumulator();

        ReadOnlySpan<float> mean = ImageNetModel.Mean, std = ImageNetModel.Std;
        float scaleR = 1f / (255f * std[0]), scaleG = 1f / (255f * std[1]), scaleB = 1f / (255f * std[2]);
        float biasR = mean[0] / std[0], biasG = mean[1] / std[1], biasB = mean[2] / std[2];

        fixed (byte* src = rgb24)
        fixed (float* ringPtr = ring)
        fixed (float* accPtr = acc)
        fixed (float* dst = destination)
        fixed (int* xStart = s.Horizontal.Start)
        fixed (int* xCount = s.Horizontal.Count)
        fixed (float* xWeights = s.Horizontal.Weights)
        {
            int xStride = s.Horizontal.MaxTaps;
            int nextRow = int.MinValue; // next source row to filter horizontally
            for (int y = 0; y < N; y++)
            {
                int y0 = s.Vertical.Start[y];
                int yn = s.Vertical.Count[y];
                if (nextRow < y0)
                    nextRow = y0;
                for (; nextRow < y0 + yn; nextRow++)
                {
                    HorizontalRow(src + (long)nextRow * stride, xStart, xCount, xWeights, xStride,
                        ringPtr + (nextRow % ringRows) * RowFloats);
                }

                // Vertical pass over the 3×224 planar floats of the contributing rows.
                ReadOnlySpan<float> wy = s.Vertical.Weights.AsSpan(y * s.Vertical.MaxTaps, yn);
                VerticalAccumulate(ringPtr, ringRows, y0, wy, accPtr);

                int o = y * N;
                Normalise(accPtr, dst + o, scaleR, biasR);
                Normalise(accPtr + N, dst + ImageNetModel.PlaneLength + o, scaleG, biasG);
                Normalise(accPtr + 2 * N, dst + 2 * ImageNetModel.PlaneLength + o, scaleB, biasB);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void HorizontalRow(byte* row, int* start, int* count, float* weights, int weightStride, float* outRow)
    {
        for (int x = 0; x < N; x++)
        {
            byte* p = row + start[x] * 3;
            float* w = weights + x * weightStride;
            int n = count[x];
            float r = 0, g = 0, b = 0;
            for (int k = 0; k < n; k++, p += 3)
            {
                float wk = w[k];
                r += wk * p[0];
                g += wk * p[1];
                b += wk * p[2];
            }
            outRow[x] = r;
            outRow[N + x] = g;
            outRow[2 * N + x] = b;
        }
    }

    private static unsafe void VerticalAccumulate(float* ring, int ringRows, int y0, ReadOnlySpan<float> wy, float* acc)
    {
        int vs = Vector<float>.Count;
        float* first = ring + (y0 % ringRows) * RowFloats;
        float w0 = wy[0];
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var wv = new Vector<float>(w0);
            for (; i <= RowFloats - vs; i += vs)
                Vector.Store(Vector.Load(first + i) * wv, acc + i);
        }
        for (; i < RowFloats; i++)
            acc[i] = first[i] * w0;

        for (int k = 1; k < wy.Length; k++)
        {
            float* row = ring + ((y0 + k) % ringRows) * RowFloats;
            float wk = wy[k];
            i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var wv = new Vector<float>(wk);
                for (; i <= RowFloats - vs; i += vs)
                    Vector.Store(Vector.Load(acc + i) + Vector.Load(row + i) * wv, acc + i);
            }
            for (; i < RowFloats; i++)
                acc[i] += row[i] * wk;
        }
    }

    private static unsafe void Normalise(float* values, float* dst, float scale, float bias)
    {
        // (v/255 − mean)/std == v·(1/(255·std)) − mean/std
        int vs = Vector<float>.Count;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var sv = new Vector<float>(scale);
            var bv = new Vector<float>(bias);
            for (; i <= N - vs; i += vs)
                Vector.Store(Vector.Load(values + i) * sv - bv, dst + i);
        }
        for (; i < N; i++)
            dst[i] = values[i] * scale - bias;
    }

    /// <summary>Separable filter taps for the 224 output positions along one axis.</summary>
    internal sealed class FilterTaps
    {
        public int[] Start = new int[N];
        public int[] Count = new int[N];
        public float[] Weights = [];
        public int MaxTaps;

        /// <summary>
        /// How many consecutive source positions must be kept at once when walking the outputs in order:
        /// max over outputs of (furthest source position needed so far + 1 − this output's first position).
        /// </summary>
        public int RingRows;

        private double[] _tmp = [];

        /// <summary>
        /// Triangle filter for resizing <paramref name="srcSize"/> → <paramref name="dstSize"/>, evaluated for outputs
        /// <paramref name="offset"/> … offset+223. Pixel centres are aligned ((x+0.5)·scale−0.5), the support is widened
        /// by the reduction factor when downscaling, out-of-range taps are clamped to the edge, weights sum to 1.
        /// </summary>
        public void Compute(int srcSize, int dstSize, int offset)
        {
            double scale = (double)srcSize / dstSize;
            double support = Math.Max(1.0, scale);
            MaxTaps = (int)Math.Ceiling(2 * support) + 1;
            if (Weights.Length < N * MaxTaps)
                Weights = new float[N * MaxTaps];
            if (_tmp.Length < MaxTaps)
                _tmp = new double[MaxTaps];

            int maxEnd = int.MinValue;
            RingRows = 1;
            for (int i = 0; i < N; i++)
            {
                double center = (offset + i + 0.5) * scale - 0.5;
                int lo = (int)Math.Ceiling(center - support);
                int hi = (int)Math.Floor(center + support);
                int first = Math.Clamp(lo, 0, srcSize - 1);
                int last = Math.Clamp(hi, 0, srcSize - 1);
                int n = last - first + 1;
                Span<double> w = _tmp.AsSpan(0, n);
                w.Clear();
                double sum = 0;
                for (int j = lo; j <= hi; j++)
                {
                    double t = 1.0 - Math.Abs(j - center) / support;
                    if (t <= 0)
                        continue;
                    w[Math.Clamp(j, 0, srcSize - 1) - first] += t;
                    sum += t;
                }
                // Trim zero-weight taps at either end (a tap exactly one support away).
                int a = 0, b = n - 1;
                while (a < b && w[a] == 0) a++;
                while (b > a && w[b] == 0) b--;

                Start[i] = first + a;
                Count[i] = b - a + 1;
                Span<float> dst = Weights.AsSpan(i * MaxTaps, MaxTaps);
                for (int k = a; k <= b; k++)
                    dst[k - a] = (float)(w[k] / sum);

                maxEnd = Math.Max(maxEnd, Start[i] + Count[i] - 1);
                RingRows = Math.Max(RingRows, maxEnd + 1 - Start[i]);
            }
        }
    }

    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? t_instance;

        public readonly FilterTaps Horizontal = new();
        public readonly FilterTaps Vertical = new();
        private float[] _ring = [];
        private readonly float[] _acc = new float[RowFloats];

        public static Scratch ForCurrentThread() => t_instance ??= new Scratch();

        public float[] Ring(int length)
        {
            if (_ring.Length < length)
                _ring = new float[length];
            return _ring;
        }

        public float[] Accumulator() => _acc;
    }
}
