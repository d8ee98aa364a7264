using System.Buffers;
using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using static ImageRec.Worker.Imaging.Native.PngNative;

namespace ImageRec.Worker.Imaging;

/// <summary>
/// PNG decoding through libpng's simplified API. Every colour type and bit depth comes out as 8-bit sRGB RGB;
/// 16-bit data without gamma information is taken as sRGB-encoded; alpha is dropped (not composited), which matches
/// "drop any alpha channel" in the model's preprocessing. Stateless and thread-safe.
/// </summary>
public sealed unsafe class PngDecoder : IImageDecoder
{
    private readonly long _maxPixels;

    public PngDecoder(long maxPixels = ImageDecoder.DefaultMaxPixels) => _maxPixels = maxPixels;

    /// <inheritdoc/> <remarks><paramref name="minShortSide"/> is ignored: PNG cannot be scaled during decoding.</remarks>
    public DecodedImage Decode(ReadOnlySpan<byte> encoded, int minShortSide)
    {
        if (encoded.IsEmpty)
            throw new ImageDecodeException(ImageFormat.Png, "empty PNG data");

        PngImage image = default;
        image.Version = PNG_IMAGE_VERSION;
        fixed (byte* src = encoded)
        {
            try
            {
                if (png_image_begin_read_from_memory(&image, src, (nuint)encoded.Length) == 0)
                    throw new ImageDecodeException(ImageFormat.Png, "invalid PNG header: " + image.MessageText);

                int width = (int)image.Width, height = (int)image.Height;
                if (width <= 0 || height <= 0 || (long)width * height > _maxPixels)
                    throw new ImageDecodeException(ImageFormat.Png,
                        $"image too large: {image.Width}x{image.Height}, limit {_maxPixels} pixels", FailureReasons.TooManyPixels);

                bool alpha = (image.Format & PNG_FORMAT_FLAG_ALPHA) != 0;
                int channels = alpha ? 4 : 3;
                image.Format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
                image.Flags |= PNG_IMAGE_FLAG_16BIT_sRGB;

                byte[] buffer = ArrayPool<byte>.Shared.Rent(checked(width * height * channels));
                try
                {
                    fixed (byte* dst = buffer)
                    {
                        if (png_image_finish_read(&image, null, dst, width * channels, null) == 0 || image.Failed)
                            throw new ImageDecodeException(ImageFormat.Png, "corrupt PNG data: " + image.MessageText);
                        if (alpha)
                            DropAlphaInPlace(dst, (long)width * height);
                    }
                    return new DecodedImage(buffer, width, height, width * 3, ImageFormat.Png, width, height);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
            }
            finally
            {
                png_image_free(&image); // no-op once finish_read has cleaned up
            }
        }
    }

    internal static void DropAlphaInPlace(byte* buf, long pixels)
    {
        byte* s = buf, d = buf;
        for (long i = 0; i < pixels; i++, s += 4, d += 3)
        {
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
        }
    }
}
