using System.Runtime.InteropServices;

namespace ImageRec.Worker.Imaging.Native;

/// <summary>
/// P/Invoke bindings to the TurboJPEG 2.x API of libjpeg-turbo (Debian: libturbojpeg.so.0).
/// Layouts and constants follow turbojpeg.h. A tjhandle is not thread-safe: see <see cref="TurboJpegHandle"/>.
/// </summary>
internal static unsafe partial class TurboJpegNative
{
    public const string Library = "libturbojpeg.so.0";

    // enum TJPF
    public const int TJPF_RGB = 0;
    public const int TJPF_GRAY = 6;
    public const int TJPF_CMYK = 11;

    // enum TJCS
    public const int TJCS_RGB = 0;
    public const int TJCS_YCbCr = 1;
    public const int TJCS_GRAY = 2;
    public const int TJCS_CMYK = 3;
    public const int TJCS_YCCK = 4;

    // enum TJSAMP (used by the tests' encoder)
    public const int TJSAMP_444 = 0;
    public const int TJSAMP_420 = 2;

    // flags
    public const int TJFLAG_ACCURATEDCT = 4096;
    public const int TJFLAG_STOPONWARNING = 8192;
    /// <summary>Refuse progressive JPEGs with more than 500 scans (a scan bomb costs CPU, not bytes).</summary>
    public const int TJFLAG_LIMITSCANS = 32768;

    // enum TJERR
    public const int TJERR_WARNING = 0;
    public const int TJERR_FATAL = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct TjScalingFactor
    {
        public int Num;
        public int Denom;
    }

    [LibraryImport(Library)]
    public static partial nint tjInitDecompress();

    [LibraryImport(Library)]
    public static partial nint tjInitCompress();

    [LibraryImport(Library)]
    public static partial int tjDestroy(nint handle);

    [LibraryImport(Library)]
    public static partial int tjDecompressHeader3(nint handle, byte* jpegBuf, nuint jpegSize,
        int* width, int* height, int* jpegSubsamp, int* jpegColorspace);

    [LibraryImport(Library)]
    public static partial int tjDecompress2(nint handle, byte* jpegBuf, nuint jpegSize, byte* dstBuf,
        int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library)]
    public static partial int tjCompress2(nint handle, byte* srcBuf, int width, int pitch, int height,
        int pixelFormat, byte** jpegBuf, nuint* jpegSize, int jpegSubsamp, int jpegQual, int flags);

    [LibraryImport(Library)]
    public static partial void tjFree(byte* buffer);

    [LibraryImport(Library)]
    public static partial TjScalingFactor* tjGetScalingFactors(int* numScalingFactors);

    /// <summary>Returns a pointer to a static or per-handle NUL-terminated string; never free it.</summary>
    [LibraryImport(Library)]
    public static partial byte* tjGetErrorStr2(nint handle);

    [LibraryImport(Library)]
    public static partial int tjGetErrorCode(nint handle);

    public static string GetError(nint handle)
    {
        byte* s = tjGetErrorStr2(handle);
        return s == null ? "unknown error" : Marshal.PtrToStringUTF8((nint)s) ?? "unknown error";
    }

    /// <summary>TJSCALED: ceil(dimension × num / denom), as turbojpeg computes the scaled size.</summary>
    public static int Scaled(int dimension, TjScalingFactor f) =>
        (int)(((long)dimension * f.Num + f.Denom - 1) / f.Denom);
}

/// <summary>Owns one tjhandle; destroyed on Dispose or, if leaked, by the finalizer.</summary>
internal sealed class TurboJpegHandle : SafeHandle
{
    private TurboJpegHandle() : base(0, ownsHandle: true) { }

    public override bool IsInvalid => handle == 0;

    public static TurboJpegHandle CreateDecompressor()
    {
        var h = new TurboJpegHandle();
        h.SetHandle(TurboJpegNative.tjInitDecompress());
        if (h.IsInvalid)
        {
            h.SetHandleAsInvalid();
            throw new ImageDecodeException(Common.Imaging.ImageFormat.Jpeg,
                "could not create a TurboJPEG decompressor: " + TurboJpegNative.GetError(0));
        }
        return h;
    }

    protected override bool ReleaseHandle() => TurboJpegNative.tjDestroy(handle) == 0;
}
