namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>Portable kernels of <see cref="ImageNetPreprocessor"/> for CPUs without AVX2 + FMA.</summary>
internal static unsafe class ScalarResampleKernels
{
    private const int N = ImageNetModel.InputSize;

    /// <summary>dst[i] = Σk weights[k]·rows[k][i] for i &lt; length.</summary>
    public static void Vertical(byte** rows, float* weights, int taps, float* dst, int length)
    {
        for (int i = 0; i < length; i++)
        {
            float v = 0;
            for (int k = 0; k < taps; k++)
                v += weights[k] * rows[k][i];
            dst[i] = v;
        }
    }

    /// <summary>
    /// One output row from the interleaved float row (source column <paramref name="firstColumn"/> at index 0), into
    /// planes <paramref name="planeStride"/> floats apart.
    /// </summary>
    public static void Horizontal(float* row, FilterTaps h, int firstColumn, float* dstR, in Normalisation norm,
        int planeStride = ImageNetModel.PlaneLength)
    {
        float* dstG = dstR + planeStride, dstB = dstG + planeStride;
        for (int x = 0; x < N; x++)
        {
            float* p = row + 3 * (h.Start[x] - firstColumn);
            int w = x * h.MaxTaps;
            float r = 0, g = 0, b = 0;
            for (int k = 0; k < h.Count[x]; k++, p += 3)
            {
                float wk = h.Weights[w + k];
                r += wk * p[0];
                g += wk * p[1];
                b += wk * p[2];
            }
            dstR[x] = r * norm.ScaleR - norm.BiasR;
            dstG[x] = g * norm.ScaleG - norm.BiasG;
            dstB[x] = b * norm.ScaleB - norm.BiasB;
        }
    }

    /// <summary>dst[i·stride + j] = src[j·stride + i] for one 8×8 block of floats.</summary>
    public static void Transpose8x8(float* src, float* dst, int stride)
    {
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
                dst[i * stride + j] = src[j * stride + i];
    }
}
