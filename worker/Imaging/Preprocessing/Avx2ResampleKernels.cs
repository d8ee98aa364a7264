using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>
/// AVX2 + FMA kernels of <see cref="ImageNetPreprocessor"/>. The vertical pass runs first, over the interleaved
/// RGB bytes of the source rows (contiguous, eight lanes at a time, bytes widened to floats on load). The
/// horizontal pass then works on one interleaved float row: a pixel's taps are 4-float loads (R G B + the next
/// pixel's R, ignored) at its own offset, so there is no gather; two pixels share one 256-bit register, four
/// registers hold eight pixels, and an in-lane 4×4 transpose turns them into eight R, eight G and eight B values
/// that are normalised and stored straight into the NCHW planes.
/// </summary>
internal static unsafe class Avx2ResampleKernels
{
    private const int N = ImageNetModel.InputSize;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>dst[i] = Σk weights[k]·rows[k][i] for i &lt; length.</summary>
    public static void Vertical(byte** rows, float* weights, int taps, float* dst, int length)
    {
        int i = 0;
        for (; i <= length - 16; i += 16)
        {
            Vector256<float> a = Vector256<float>.Zero, b = Vector256<float>.Zero;
            for (int k = 0; k < taps; k++)
            {
                var w = Vector256.Create(weights[k]);
                byte* p = rows[k] + i;
                a = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p)), w, a);
                b = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p + 8)), w, b);
            }
            Avx.Store(dst + i, a);
            Avx.Store(dst + i + 8, b);
        }
        for (; i < length; i++)
        {
            float v = 0;
            for (int k = 0; k < taps; k++)
                v += weights[k] * rows[k][i];
            dst[i] = v;
        }
    }

    /// <summary>
    /// Lays the horizontal weights out for <see cref="Horizontal"/>: for each group of eight outputs g, each pair
    /// j (outputs 8g+j and 8g+j+4) and each tap k &lt; <paramref name="taps"/>, eight floats [w(8g+j,k)×4 | w(8g+j+4,k)×4],
    /// zero past an output's own tap count. <paramref name="offsets"/> gets 3·(Start − <paramref name="firstColumn"/>).
    /// </summary>
    public static void LayOutWeights(FilterTaps h, int firstColumn, int taps, float[] lanes, int[] offsets)
    {
        for (int x = 0; x < N; x++)
            offsets[x] = 3 * (h.Start[x] - firstColumn);
        for (int g = 0; g < N / 8; g++)
        {
            for (int j = 0; j < 4; j++)
            {
                for (int k = 0; k < taps; k++)
                {
                    int lo = 8 * g + j, hi = lo + 4;
                    float wlo = k < h.Count[lo] ? h.Weights[lo * h.MaxTaps + k] : 0f;
                    float whi = k < h.Count[hi] ? h.Weights[hi * h.MaxTaps + k] : 0f;
                    lanes.AsSpan(LaneIndex(g, j, k, taps), 4).Fill(wlo);
                    lanes.AsSpan(LaneIndex(g, j, k, taps) + 4, 4).Fill(whi);
                }
            }
        }
    }

    public static int LaneIndex(int group, int pair, int tap, int taps) => ((group * 4 + pair) * taps + tap) * 8;

    /// <summary>
    /// One output row: horizontal taps over the interleaved float row <paramref name="row"/> (readable for
    /// 3·(last offset/3 + taps) + 1 floats), normalised, into dst planes at <paramref name="dstR"/>, +planeStride, +2·planeStride.
    /// </summary>
    public static void Horizontal(float* row, float* lanes, int* offsets, int taps, float* dstR, in Normalisation norm,
        int planeStride = ImageNetModel.PlaneLength)
    {
        float* dstG = dstR + planeStride, dstB = dstG + planeStride;
        var scaleR = Vector256.Create(norm.ScaleR);
        var scaleG = Vector256.Create(norm.ScaleG);
        var scaleB = Vector256.Create(norm.ScaleB);
        var biasR = Vector256.Create(norm.BiasR);
        var biasG = Vector256.Create(norm.BiasG);
        var biasB = Vector256.Create(norm.BiasB);
        float* w = lanes;
        for (int x = 0; x < N; x += 8)
        {
            Vector256<float> p0 = Pair(row, offsets[x], offsets[x + 4], w, taps);
            Vector256<float> p1 = Pair(row, offsets[x + 1], offsets[x + 5], w + 8 * taps, taps);
            Vector256<float> p2 = Pair(row, offsets[x + 2], offsets[x + 6], w + 16 * taps, taps);
            Vector256<float> p3 = Pair(row, offsets[x + 3], offsets[x + 7], w + 24 * taps, taps);
            w += 32 * taps;

            // Lanes hold [R G B _] per pixel; transpose each 128-bit half (pixels x..x+3 | x+4..x+7).
            Vector256<double> t0 = Avx.UnpackLow(p0, p1).AsDouble();   // R0 R1 G0 G1
            Vector256<double> t1 = Avx.UnpackHigh(p0, p1).AsDouble();  // B0 B1 _ _
            Vector256<double> t2 = Avx.UnpackLow(p2, p3).AsDouble();   // R2 R3 G2 G3
            Vector256<double> t3 = Avx.UnpackHigh(p2, p3).AsDouble();  // B2 B3 _ _
            Vector256<float> r = Avx.UnpackLow(t0, t2).AsSingle();
            Vector256<float> g = Avx.UnpackHigh(t0, t2).AsSingle();
            Vector256<float> b = Avx.UnpackLow(t1, t3).AsSingle();

            Avx.Store(dstR + x, Fma.MultiplySubtract(r, scaleR, biasR));
            Avx.Store(dstG + x, Fma.MultiplySubtract(g, scaleG, biasG));
            Avx.Store(dstB + x, Fma.MultiplySubtract(b, scaleB, biasB));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pair(float* row, int lo, int hi, float* w, int taps)
    {
        float* a = row + lo, b = row + hi;
        Vector256<float> acc = Vector256<float>.Zero;
        for (int k = 0; k < taps; k++, a += 3, b += 3, w += 8)
            acc = Fma.MultiplyAdd(Vector256.Create(Vector128.Load(a), Vector128.Load(b)), Avx.LoadVector256(w), acc);
        return acc;
    }

    /// <summary>
    /// dst[i·stride + j] = src[j·stride + i] for one 8×8 block of floats: the textbook AVX sequence (unpack pairs,
    /// shuffle quads, swap 128-bit halves). For images whose orientation swaps the axes.
    /// </summary>
    public static void Transpose8x8(float* src, float* dst, int stride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + stride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * stride), r3 = Avx.LoadVector256(src + 3 * stride);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * stride), r5 = Avx.LoadVector256(src + 5 * stride);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * stride), r7 = Avx.LoadVector256(src + 7 * stride);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> q0 = Avx.Shuffle(t0, t2, 0x44), q1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> q2 = Avx.Shuffle(t1, t3, 0x44), q3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> q4 = Avx.Shuffle(t4, t6, 0x44), q5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> q6 = Avx.Shuffle(t5, t7, 0x44), q7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(q0, q4, 0x20));
        Avx.Store(dst + stride, Avx.Permute2x128(q1, q5, 0x20));
        Avx.Store(dst + 2 * stride, Avx.Permute2x128(q2, q6, 0x20));
        Avx.Store(dst + 3 * stride, Avx.Permute2x128(q3, q7, 0x20));
        Avx.Store(dst + 4 * stride, Avx.Permute2x128(q0, q4, 0x31));
        Avx.Store(dst + 5 * stride, Avx.Permute2x128(q1, q5, 0x31));
        Avx.Store(dst + 6 * stride, Avx.Permute2x128(q2, q6, 0x31));
        Avx.Store(dst + 7 * stride, Avx.Permute2x128(q3, q7, 0x31));
    }
}
