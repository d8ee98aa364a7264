namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>Separable filter taps for the 224 output positions of the crop along one axis.</summary>
internal sealed class FilterTaps
{
    private const int N = ImageNetModel.InputSize;

    /// <summary>First source position of each output.</summary>
    public readonly int[] Start = new int[N];

    /// <summary>Source positions contributing to each output (≤ <see cref="MaxTaps"/>).</summary>
    public readonly int[] Count = new int[N];

    /// <summary>Weights of output i at [i·MaxTaps, i·MaxTaps + Count[i]); the rest of each slot is unspecified.</summary>
    public float[] Weights = [];

    /// <summary>Stride of <see cref="Weights"/>: the largest tap count the filter support allows.</summary>
    public int MaxTaps;

    /// <summary>The largest <see cref="Count"/> actually used (after trimming zero-weight end taps).</summary>
    public int MaxCount;

    /// <summary>First source position any output reads (<c>Start[0]</c>, or <c>Start[223]</c> when reversed).</summary>
    public int First;

    /// <summary>Last source position any output reads.</summary>
    public int End;

    private double[] _tmp = [];
    private (int Src, int Dst, int Offset, bool Reversed) _computedFor = (-1, -1, -1, false);

    /// <summary>
    /// Triangle filter for resizing <paramref name="srcSize"/> → <paramref name="dstSize"/>, evaluated for outputs
    /// <paramref name="offset"/> … offset+223. Pixel centres are aligned ((x+0.5)·scale−0.5), the support is widened
    /// by the reduction factor when downscaling, out-of-range taps are clamped to the edge, weights sum to 1.
    /// <paramref name="reversed"/>: the axis runs the other way in the output (a mirrored or turned image), so output i
    /// takes the taps of resized position dstSize−1−(offset+i); the filter is symmetric, so this is exactly the resize
    /// of the mirrored image, at no cost.
    /// Returns false when the taps already held are the ones asked for (consecutive images usually share a size).
    /// </summary>
    public bool Compute(int srcSize, int dstSize, int offset, bool reversed = false)
    {
        if (_computedFor == (srcSize, dstSize, offset, reversed))
            return false;

        double scale = (double)srcSize / dstSize;
        double support = Math.Max(1.0, scale);
        MaxTaps = (int)Math.Ceiling(2 * support) + 1;
        if (Weights.Length < N * MaxTaps)
            Weights = new float[N * MaxTaps];
        if (_tmp.Length < MaxTaps)
            _tmp = new double[MaxTaps];

        int maxEnd = int.MinValue, minStart = int.MaxValue;
        MaxCount = 1;
        for (int i = 0; i < N; i++)
        {
            int position = reversed ? dstSize - 1 - (offset + i) : offset + i;
            double center = (position + 0.5) * scale - 0.5;
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

            MaxCount = Math.Max(MaxCount, Count[i]);
            maxEnd = Math.Max(maxEnd, Start[i] + Count[i] - 1);
            minStart = Math.Min(minStart, Start[i]);
        }
        First = minStart;
        End = maxEnd;
        _computedFor = (srcSize, dstSize, offset, reversed);
        return true;
    }
}
