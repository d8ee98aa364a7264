namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>Per-thread working memory of <see cref="ImageNetPreprocessor"/>: grown when needed, never per image.</summary>
internal sealed class PreprocessorScratch
{
    [ThreadStatic]
    private static PreprocessorScratch? t_instance;

    public readonly FilterTaps Horizontal = new();
    public readonly FilterTaps Vertical = new();

    /// <summary>Horizontal weights laid out for <see cref="Avx2ResampleKernels.Horizontal"/>.</summary>
    public float[] Lanes = [];

    /// <summary>Per output column, its first tap's float index in the row buffer.</summary>
    public readonly int[] Offsets = new int[ImageNetModel.InputSize];

    /// <summary>The taps <see cref="Lanes"/> were laid out from (null after a scalar call, which does not need them).</summary>
    public FilterTaps? LanesFor;

    private float[] _row = [];
    private float[] _strip = [];

    public static PreprocessorScratch ForCurrentThread() => t_instance ??= new PreprocessorScratch();

    public void LayOutLanes(bool simd)
    {
        LanesFor = null;
        if (!simd)
            return;
        int taps = Horizontal.MaxCount;
        int length = Avx2ResampleKernels.LaneIndex(ImageNetModel.InputSize / 8, 0, 0, taps);
        if (Lanes.Length < length)
            Lanes = new float[length];
        Avx2ResampleKernels.LayOutWeights(Horizontal, Horizontal.First, taps, Lanes, Offsets);
        LanesFor = Horizontal;
    }

    /// <summary>
    /// The interleaved float row of the vertical pass: <paramref name="floats"/> values plus room for the SIMD
    /// horizontal pass, which reads 4 floats per tap for <paramref name="taps"/> taps from the last column's start
    /// (zero-weighted past the real data; the buffer only ever holds finite values, so 0·stale = 0).
    /// </summary>
    public float[] Row(int floats, int taps)
    {
        int length = floats + 3 * taps + 4;
        if (_row.Length < length)
            _row = new float[length];
        return _row;
    }

    /// <summary>Output rows a transposing strip holds (one AVX 8×8 block high).</summary>
    public const int StripRows = 8;

    /// <summary>Floats between the R, G and B planes of the strip.</summary>
    public const int StripPlane = StripRows * ImageNetModel.InputSize;

    /// <summary>Eight output rows of three planes, for images whose orientation swaps the axes (21 KB, made once).</summary>
    public float[] TransposeStrip()
    {
        if (_strip.Length == 0)
            _strip = new float[ImageNetModel.Channels * StripPlane];
        return _strip;
    }
}
