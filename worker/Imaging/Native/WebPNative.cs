using System.Runtime.InteropServices;

namespace ImageRec.Worker.Imaging.Native;

/// <summary>P/Invoke bindings to libwebp's simple decoding API (decode.h; Debian libwebp.so.7).</summary>
internal static unsafe partial class WebPNative
{
    public const string Library = "libwebp.so.7";

    /// <summary>int WebPGetInfo(const uint8_t* data, size_t data_size, int* width, int* height): 1 on success.</summary>
    [LibraryImport(Library)]
    public static partial int WebPGetInfo(byte* data, nuint dataSize, int* width, int* height);

    /// <summary>Decodes into a caller buffer as packed RGB; returns output_buffer, or NULL on failure.</summary>
    [LibraryImport(Library)]
    public static partial byte* WebPDecodeRGBInto(byte* data, nuint dataSize, byte* outputBuffer,
        nuint outputBufferSize, int outputStride);
}
