using ImageRec.Common.Imaging;

namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>
/// Turns a decoded RGB24 image into the model's input tensor in one pass: resize so the shorter side is 256
/// (antialiased bilinear, i.e. a triangle filter widened by the reduction factor when downscaling, like
/// libvips <c>kernel: linear</c> / PIL BILINEAR), center-crop 224×224, scale to [0,1], normalise per channel, and
/// write NCHW planes R, G, B. Only the 224×224 output pixels of the virtual resized image are computed:
/// separable filter taps are precomputed for the 224 output columns and rows; for each output row the vertical
/// pass combines the contributing source rows (only the columns the crop needs) into one interleaved float row,
/// and the horizontal pass plus normalisation write it straight into the destination planes. Vertical first
/// because it is the contiguous, cheaply vectorised pass and the horizontal one then runs over 224 rows only.
/// Uses AVX2 + FMA where the CPU has them (<see cref="Avx2ResampleKernels"/>), scalar code elsewhere.
/// An EXIF orientation is folded into the sampling rather than applied to the pixels: the geometry is that of the
/// upright image, a stored axis that runs the other way gets mirrored taps (free), and when the axes are swapped
/// (orientations 5–8) the output rows are computed in stored order, eight at a time, and transposed into place
/// while they are in cache: a transpose of the 224×224 tensor, not of the image.
/// Thread-safe; scratch memory is per thread and reused, so a call allocates nothing once warm.
/// </summary>
public sealed class ImageNetPreprocessor
{
    private const int N = ImageNetModel.InputSize;

    /// <summary>Shared instance (the type is stateless).</summary>
    public static ImageNetPreprocessor Instance { get; } = new();

    /// <summary>
    /// Fills <paramref name="destination"/> (at least 3·224·224 floats) with the normalised NCHW tensor of the image
    /// as seen upright (its <see cref="DecodedImage.Orientation"/> applied).
    /// </summary>
    public void Preprocess(in DecodedImage image, Span<float> destination) =>
        Preprocess(image.Pixels, image.Width, image.Height, image.Stride, destination, Avx2ResampleKernels.IsSupported, image.Orientation);

    /// <summary>Same as the <see cref="DecodedImage"/> overload, for RGB24 pixels held elsewhere.</summary>
    public static void Preprocess(ReadOnlySpan<byte> rgb24, int width, int height, int stride, Span<float> destination) =>
        Preprocess(rgb24, width, height, stride, destination, Avx2ResampleKernels.IsSupported);

    /// <summary>With <paramref name="simd"/> false, the portable scalar kernels (tests compare both).</summary>
    internal static unsafe void Preprocess(ReadOnlySpan<byte> rgb24, int width, int height, int stride, Span<float> destination, bool simd,
        ImageOrientation orientation = ImageOrientation.Normal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width * 3);
        if ((long)stride * (height - 1) + 3L * width > rgb24.Length)
            throw new ArgumentException("pixel span too small for width/height/stride", nameof(rgb24));
        if (destination.Length < ImageNetModel.TensorLength)
            throw new ArgumentException($"destination needs {ImageNetModel.TensorLength} floats", nameof(destination));
        simd &= Avx2ResampleKernels.IsSupported;

        // Resize and crop are defined on the upright image; each stored axis is sampled like the upright axis it becomes.
        var axes = OrientedAxes.Of(orientation);
        (int uprightW, int uprightH) = axes.Transposed ? (height, width) : (width, height);
        (int resizedW, int resizedH) = ImageNetModel.ResizedSize(uprightW, uprightH);
        (int left, int top) = ImageNetModel.CropOrigin(resizedW, resizedH);
        (int resizedX, int offsetX, int resizedY, int offsetY) = axes.Transposed
            ? (resizedH, top, resizedW, left)
            : (resizedW, left, resizedH, top);

        PreprocessorScratch s = PreprocessorScratch.ForCurrentThread();
        FilterTaps h = s.Horizontal, v = s.Vertical;
        if (h.Compute(width, resizedX, offsetX, axes.ReverseX) | s.LanesFor != h)
            s.LayOutLanes(simd);
        v.Compute(height, resizedY, offsetY, axes.ReverseY);

        // The vertical result covers source columns h.First … h.End; the row buffer has room past that for the
        // SIMD horizontal pass's zero-weighted reads (see PreprocessorScratch.Row).
        int firstColumn = h.First;
        int rowFloats = 3 * (h.End - firstColumn + 1);
        float[] row = s.Row(rowFloats, h.MaxCount);
        var norm = Normalisation.ImageNet;

        // With the axes swapped, output row y is upright column y: rows go to a strip of 8 in stored order, and each
        // full strip is transposed into 8 columns of the destination while it is still in cache.
        float[] strip = axes.Transposed ? s.TransposeStrip() : [];
        byte** rows = stackalloc byte*[v.MaxTaps];
        fixed (byte* src = rgb24)
        fixed (float* rowPtr = row)
        fixed (float* dst = destination)
        fixed (float* stripPtr = strip)
        fixed (float* yWeights = v.Weights)
        fixed (float* lanes = s.Lanes)
        fixed (int* offsets = s.Offsets)
        {
            byte* srcCrop = src + 3L * firstColumn;
            int planeStride = axes.Transposed ? PreprocessorScratch.StripPlane : ImageNetModel.PlaneLength;
            for (int y = 0; y < N; y++)
            {
                int y0 = v.Start[y], yn = v.Count[y];
                for (int k = 0; k < yn; k++)
                    rows[k] = srcCrop + (long)(y0 + k) * stride;
                float* wy = yWeights + y * v.MaxTaps;
                float* output = axes.Transposed ? stripPtr + (y % StripRows) * N : dst + y * N;
                if (simd)
                {
                    Avx2ResampleKernels.Vertical(rows, wy, yn, rowPtr, rowFloats);
                    Avx2ResampleKernels.Horizontal(rowPtr, lanes, offsets, h.MaxCount, output, norm, planeStride);
                }
                else
                {
                    ScalarResampleKernels.Vertical(rows, wy, yn, rowPtr, rowFloats);
                    ScalarResampleKernels.Horizontal(rowPtr, h, firstColumn, output, norm, planeStride);
                }
                if (axes.Transposed && y % StripRows == StripRows - 1)
                    TransposeStrip(stripPtr, dst, y - (StripRows - 1), simd);
            }
        }
    }

    private const int StripRows = PreprocessorScratch.StripRows;

    /// <summary>
    /// Strip rows y0 … y0+7 (one per upright column) into destination columns y0 … y0+7: for each plane and each
    /// 8-column block bx, destination[bx+i][y0+j] = strip[j][bx+i].
    /// </summary>
    private static unsafe void TransposeStrip(float* strip, float* dst, int y0, bool simd)
    {
        for (int c = 0; c < ImageNetModel.Channels; c++)
        {
            float* from = strip + c * PreprocessorScratch.StripPlane, to = dst + c * ImageNetModel.PlaneLength + y0;
            for (int bx = 0; bx < N; bx += StripRows)
            {
                if (simd)
                    Avx2ResampleKernels.Transpose8x8(from + bx, to + bx * N, N);
                else
                    ScalarResampleKernels.Transpose8x8(from + bx, to + bx * N, N);
            }
        }
    }
}
