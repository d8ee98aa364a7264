using System.Runtime.InteropServices;

namespace ImageRec.Worker.Imaging.Native;

/// <summary>
/// P/Invoke bindings to libpng's simplified read API (libpng16.so.16). <see cref="PngImage"/> mirrors
/// <c>png_image</c> from png.h exactly: a pointer, six png_uint_32, png_uint_32 warning_or_error, char message[64].
/// </summary>
internal static unsafe partial class PngNative
{
    public const string Library = "libpng16.so.16";

    public const uint PNG_IMAGE_VERSION = 1;

    public const uint PNG_FORMAT_FLAG_ALPHA = 0x01;
    public const uint PNG_FORMAT_FLAG_COLOR = 0x02;
    public const uint PNG_FORMAT_FLAG_LINEAR = 0x04;
    public const uint PNG_FORMAT_FLAG_COLORMAP = 0x08;
    public const uint PNG_FORMAT_RGB = PNG_FORMAT_FLAG_COLOR;
    public const uint PNG_FORMAT_RGBA = PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA;

    /// <summary>Treat 16-bit data without gAMA/sRGB as sRGB-encoded rather than linear.</summary>
    public const uint PNG_IMAGE_FLAG_16BIT_sRGB = 0x04;

    public const uint PNG_IMAGE_WARNING = 1;
    public const uint PNG_IMAGE_ERROR = 2;

    public const int MessageLength = 64;

    [StructLayout(LayoutKind.Sequential)]
    public struct PngImage
    {
        public nint Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[MessageLength];

        public readonly bool Failed => (WarningOrError & 0x03) > 1;

        public readonly string MessageText
        {
            get
            {
                fixed (byte* p = Message)
                {
                    int n = 0;
                    while (n < MessageLength && p[n] != 0)
                        n++;
                    return n == 0 ? "unknown error" : System.Text.Encoding.UTF8.GetString(p, n);
                }
            }
        }
    }

    [LibraryImport(Library)]
    public static partial int png_image_begin_read_from_memory(PngImage* image, void* memory, nuint size);

    [LibraryImport(Library)]
    public static partial int png_image_finish_read(PngImage* image, void* background, void* buffer,
        int rowStride, void* colormap);

    [LibraryImport(Library)]
    public static partial void png_image_free(PngImage* image);
}
