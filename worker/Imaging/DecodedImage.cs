using System.Buffers;
using ImageRec.Common.Imaging;

namespace ImageRec.Worker.Imaging;

/// <summary>
/// A decoded image as 8-bit RGB24, interleaved (R,G,B per pixel), rows top to bottom <see cref="Stride"/> bytes apart.
/// The pixel buffer is rented from <see cref="ArrayPool{T}.Shared"/> and returned by <see cref="Dispose"/>.
/// This is a struct to keep the decode path allocation-free: dispose exactly one copy, and do not use any copy afterwards.
/// </summary>
public struct DecodedImage : IDisposable
{
    private byte[]? _buffer;

    internal DecodedImage(byte[] buffer, int width, int height, int stride, ImageFormat format,
        int sourceWidth, int sourceHeight, bool pooled = true)
    {
        _buffer = buffer;
        _pooled = pooled;
        Width = width;
        Height = height;
        Stride = stride;
        Format = format;
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        Orientation = ImageOrientation.Normal;
    }

    /// <summary>
    /// Wraps caller-provided pixels (for example in tests). <paramref name="pooled"/>: return the array to the shared pool on Dispose.
    /// <paramref name="orientation"/>: how the pixels must be turned to be seen upright.
    /// </summary>
    public static DecodedImage FromRgb24(byte[] pixels, int width, int height, int stride = 0, bool pooled = false,
        ImageOrientation orientation = ImageOrientation.Normal)
    {
        if (stride == 0)
            stride = checked(width * 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width * 3);
        if ((long)stride * (height - 1) + (long)width * 3 > pixels.Length)
            throw new ArgumentException("pixel buffer too small for width/height/stride", nameof(pixels));
        return new DecodedImage(pixels, width, height, stride, ImageFormat.Unknown, width, height, pooled) { Orientation = orientation };
    }

    private readonly bool _pooled;

    /// <summary>Width in pixels of the decoded (possibly DCT-downscaled) image.</summary>
    public int Width { get; }

    /// <summary>Height in pixels of the decoded (possibly DCT-downscaled) image.</summary>
    public int Height { get; }

    /// <summary>Bytes from the start of one row to the next (≥ 3 × Width).</summary>
    public int Stride { get; }

    /// <summary>The format it was decoded from.</summary>
    public ImageFormat Format { get; }

    /// <summary>Width stored in the file, before any decode-time scaling.</summary>
    public int SourceWidth { get; }

    /// <summary>Height stored in the file, before any decode-time scaling.</summary>
    public int SourceHeight { get; }

    /// <summary>
    /// How the stored pixels must be turned to be seen upright (a JPEG's EXIF orientation). The pixels stay as stored:
    /// <see cref="Preprocessing.ImageNetPreprocessor"/> folds the turn into its sampling instead of copying them.
    /// </summary>
    public ImageOrientation Orientation { readonly get; internal set; }

    /// <summary>True until disposed (false for <c>default</c>).</summary>
    public readonly bool IsValid => _buffer is not null;

    /// <summary>All rows, <c>Stride × (Height − 1) + 3 × Width</c> bytes.</summary>
    public readonly ReadOnlySpan<byte> Pixels =>
        Buffer.AsSpan(0, Stride * (Height - 1) + Width * 3);

    /// <summary>One row of 3 × Width bytes.</summary>
    public readonly ReadOnlySpan<byte> Row(int y)
    {
        if ((uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(y));
        return Buffer.AsSpan(y * Stride, Width * 3);
    }

    private readonly byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(DecodedImage));

    public void Dispose()
    {
        byte[]? b = _buffer;
        _buffer = null;
        if (b is not null && _pooled)
            ArrayPool<byte>.Shared.Return(b);
    }
}
