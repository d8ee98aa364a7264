using System.Buffers;
using System.Collections.Concurrent;
using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using ImageRec.Worker.Imaging.Native;
using static ImageRec.Worker.Imaging.Native.TurboJpegNative;

namespace ImageRec.Worker.Imaging;

/// <summary>
/// JPEG decoding through libjpeg-turbo's TurboJPEG API, with DCT-domain downscaling (1/2, 1/4, 1/8) when the
/// image is at least twice as large as needed. Greyscale and YCbCr come out as RGB from turbojpeg; CMYK/YCCK
/// (which libjpeg cannot convert to RGB) are decoded as CMYK and converted here, assuming Adobe's inverted
/// CMYK as written by Photoshop and ImageMagick. Thread-safe: turbojpeg handles are pooled, one per concurrent call.
/// </summary>
public sealed unsafe class JpegDecoder : IImageDecoder, IDisposable
{
    private readonly ConcurrentBag<TurboJpegHandle> _handles = new();
    private readonly int _maxPooledHandles;
    private readonly long _maxPixels;
    private readonly bool _failOnWarning;
    private int _pooled;
    private volatile bool _disposed;

    private static readonly TjScalingFactor[] DownscaleFactors = LoadDownscaleFactors();

    /// <param name="maxPixels">Largest decoded (after DCT scaling) pixel count accepted.</param>
    /// <param name="failOnWarning">
    /// Treat libjpeg warnings (truncated file, corrupt entropy data, …) as errors. On by default so that a truncated
    /// upload is rejected instead of classified with a grey lower half.
    /// </param>
    public JpegDecoder(long maxPixels = ImageDecoder.DefaultMaxPixels, bool failOnWarning = true)
    {
        _maxPixels = maxPixels;
        _failOnWarning = failOnWarning;
        _maxPooledHandles = Math.Max(2, Environment.ProcessorCount * 2);
    }

    /// <summary>
    /// The DCT scaling denominator (1, 2, 4 or 8) that turbojpeg will use for an image of this size: the largest
    /// for which the scaled shorter side is still ≥ <paramref name="minShortSide"/>.
    /// </summary>
    public static int ChooseScaleDenominator(int width, int height, int minShortSide)
    {
        if (minShortSide <= 0)
            return 1;
        int shortSide = Math.Min(width, height);
        int best = 1;
        foreach (TjScalingFactor f in DownscaleFactors)
        {
            if (Scaled(shortSide, f) >= minShortSide && f.Denom > best)
                best = f.Denom;
        }
        return best;
    }

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, int minShortSide)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (encoded.IsEmpty)
            throw new ImageDecodeException(ImageFormat.Jpeg, "empty JPEG data");

        TurboJpegHandle handle = RentHandle();
        bool addRef = false;
        try
        {
            handle.DangerousAddRef(ref addRef);
            return DecodeWith(handle.DangerousGetHandle(), encoded, minShortSide);
        }
        finally
        {
            if (addRef)
                handle.DangerousRelease();
            ReturnHandle(handle);
        }
    }

    private DecodedImage DecodeWith(nint tj, ReadOnlySpan<byte> encoded, int minShortSide)
    {
        fixed (byte* src = encoded)
        {
            int width, height, subsamp, colorspace;
            if (tjDecompressHeader3(tj, src, (nuint)encoded.Length, &width, &height, &subsamp, &colorspace) != 0)
                throw new ImageDecodeException(ImageFormat.Jpeg, "invalid JPEG header: " + GetError(tj));
            if (width <= 0 || height <= 0)
                throw new ImageDecodeException(ImageFormat.Jpeg, "invalid JPEG header: zero size");

            int denom = ChooseScaleDenominator(width, height, minShortSide);
            var factor = new TjScalingFactor { Num = 1, Denom = denom };
            int w = Scaled(width, factor), h = Scaled(height, factor);
            if ((long)w * h > _maxPixels)
                throw new ImageDecodeException(ImageFormat.Jpeg,
                    $"image too large: {width}x{height} decodes to {(long)w * h} pixels, limit {_maxPixels}", FailureReasons.TooManyPixels);

            bool cmyk = colorspace is TJCS_CMYK or TJCS_YCCK;
            int bytesPerPixel = cmyk ? 4 : 3;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(checked(w * h * bytesPerPixel));
            try
            {
                int flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS | (_failOnWarning ? TJFLAG_STOPONWARNING : 0);
                fixed (byte* dst = buffer)
                {
                    int rc = tjDecompress2(tj, src, (nuint)encoded.Length, dst, w, w * bytesPerPixel, h,
                        cmyk ? TJPF_CMYK : TJPF_RGB, flags);
                    if (rc != 0 && (_failOnWarning || tjGetErrorCode(tj) != TJERR_WARNING))
                        throw new ImageDecodeException(ImageFormat.Jpeg, "corrupt JPEG data: " + GetError(tj));
                    if (cmyk)
                        InvertedCmykToRgbInPlace(dst, (long)w * h);
                }
                return new DecodedImage(buffer, w, h, w * 3, ImageFormat.Jpeg, width, height);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }
    }

    /// <summary>
    /// Adobe CMYK JPEGs store inverted ink values (255 = no ink), so R = C'·K'/255 with C', K' the stored bytes.
    /// Writes RGB over the CMYK buffer front to back (the write position never passes the read position).
    /// </summary>
    internal static void InvertedCmykToRgbInPlace(byte* buf, long pixels)
    {
        byte* s = buf, d = buf;
        for (long i = 0; i < pixels; i++, s += 4, d += 3)
        {
            int k = s[3];
            byte c = s[0], m = s[1], y = s[2];
            d[0] = (byte)((c * k + 127) / 255);
            d[1] = (byte)((m * k + 127) / 255);
            d[2] = (byte)((y * k + 127) / 255);
        }
    }

    private TurboJpegHandle RentHandle()
    {
        if (_handles.TryTake(out TurboJpegHandle? h))
        {
            Interlocked.Decrement(ref _pooled);
            return h;
        }
        return TurboJpegHandle.CreateDecompressor();
    }

    private void ReturnHandle(TurboJpegHandle h)
    {
        if (!_disposed)
        {
            if (Interlocked.Increment(ref _pooled) <= _maxPooledHandles)
            {
                _handles.Add(h);
                if (_disposed)
                    Drain(); // Dispose ran concurrently
                return;
            }
            Interlocked.Decrement(ref _pooled);
        }
        h.Dispose();
    }

    private void Drain()
    {
        while (_handles.TryTake(out TurboJpegHandle? h))
            h.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private static TjScalingFactor[] LoadDownscaleFactors()
    {
        int n;
        TjScalingFactor* all = tjGetScalingFactors(&n);
        var list = new List<TjScalingFactor>();
        for (int i = 0; all != null && i < n; i++)
        {
            // Only 1/2, 1/4, 1/8: the reduced IDCTs that are exact power-of-two box-like reductions.
            if (all[i].Num == 1 && all[i].Denom is 2 or 4 or 8)
                list.Add(all[i]);
        }
        return list.ToArray();
    }
}
