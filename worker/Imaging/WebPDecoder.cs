using System.Buffers;
using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using static ImageRec.Worker.Imaging.Native.WebPNative;

namespace ImageRec.Worker.Imaging;

/// <summary>
/// Still WebP (lossy, lossless, extended) through libwebp, decoded straight to RGB (alpha dropped).
/// Animated WebP is rejected. Stateless and thread-safe.
/// </summary>
public sealed unsafe class WebPDecoder : IImageDecoder
{
    private readonly long _maxPixels;

    public WebPDecoder(long maxPixels = ImageDecoder.DefaultMaxPixels) => _maxPixels = maxPixels;

    /// <inheritdoc/> <remarks><paramref name="minShortSide"/> is ignored: always decoded at full size.</remarks>
    public DecodedImage Decode(ReadOnlySpan<byte> encoded, int minShortSide)
    {
        if (ImageHeaderReader.Read(encoded, out ImageHeader header) == ImageHeaderStatus.Ok && header.IsAnimated)
            throw new ImageDecodeException(ImageFormat.WebP, "animated WebP is not supported", FailureReasons.AnimatedImage);

        fixed (byte* src = encoded)
        {
            int width, height;
            if (encoded.IsEmpty || WebPGetInfo(src, (nuint)encoded.Length, &width, &height) == 0)
                throw new ImageDecodeException(ImageFormat.WebP, "invalid WebP header");
            if (width <= 0 || height <= 0 || (long)width * height > _maxPixels)
                throw new ImageDecodeException(ImageFormat.WebP,
                    $"image too large: {width}x{height}, limit {_maxPixels} pixels", FailureReasons.TooManyPixels);

            int size = checked(width * height * 3);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
            fixed (byte* dst = buffer)
            {
                if (WebPDecodeRGBInto(src, (nuint)encoded.Length, dst, (nuint)size, width * 3) == null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw new ImageDecodeException(ImageFormat.WebP, "corrupt or truncated WebP data");
                }
            }
            return new DecodedImage(buffer, width, height, width * 3, ImageFormat.WebP, width, height);
        }
    }
}
