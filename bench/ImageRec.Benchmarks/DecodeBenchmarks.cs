using BenchmarkDotNet.Attributes;
using ImageRec.Worker.Imaging;
using static ImageRec.Worker.Imaging.Native.TurboJpegNative;

namespace ImageRec.Benchmarks;

/// <summary>
/// <see cref="ImageDecoder.Decode"/> at full size (baseline) and with <c>minShortSide: 256</c>, the size the
/// worker asks for. The test photos are ~500×375, too small for DCT scaling (375/2 &lt; 256), so the two
/// should match; the synthetic 2000×1500 JPEG decodes at 1/4 scale (500×375) and shows what DCT scaling saves.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    public const string Synthetic = "synthetic-2000x1500";

    private ImageDecoder _decoder = null!;
    private byte[] _encoded = [];

    [Params("img_00.jpg", "img_01.jpg", Synthetic)]
    public string Image { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new ImageDecoder();
        _encoded = Image == Synthetic
            ? SyntheticJpeg.Tile(_decoder, File.ReadAllBytes(BenchPaths.TestImage("img_00.jpg")), 2000, 1500)
            : File.ReadAllBytes(BenchPaths.TestImage(Image));
    }

    [GlobalCleanup]
    public void Cleanup() => _decoder.Dispose();

    [Benchmark(Baseline = true)]
    public int FullSize()
    {
        using var image = _decoder.Decode(_encoded, minShortSide: 0);
        return image.Width;
    }

    [Benchmark]
    public int MinShortSide256()
    {
        using var image = _decoder.Decode(_encoded, minShortSide: 256);
        return image.Width;
    }
}

/// <summary>
/// A large JPEG made from a test photo: decoded, tiled to the wanted size and encoded with turbojpeg
/// (quality 90, 4:2:0).
/// </summary>
internal static unsafe class SyntheticJpeg
{
    public static byte[] Tile(ImageDecoder decoder, byte[] sourceJpeg, int width, int height)
    {
        using var tile = decoder.Decode(sourceJpeg, minShortSide: 0);
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            var srcRow = tile.Row(y % tile.Height);
            var dstRow = rgb.AsSpan(y * width * 3, width * 3);
            for (int x = 0; x < width; x += tile.Width)
            {
                int n = Math.Min(tile.Width, width - x) * 3;
                srcRow[..n].CopyTo(dstRow.Slice(x * 3, n));
            }
        }
        return Encode(rgb, width, height, quality: 90);
    }

    private static byte[] Encode(byte[] rgb, int width, int height, int quality)
    {
        nint tj = tjInitCompress();
        if (tj == 0)
            throw new InvalidOperationException("tjInitCompress failed");
        try
        {
            byte* jpeg = null;
            nuint size = 0;
            fixed (byte* src = rgb)
            {
                if (tjCompress2(tj, src, width, width * 3, height, TJPF_RGB, &jpeg, &size, TJSAMP_420, quality, 0) != 0)
                    throw new InvalidOperationException("tjCompress2 failed: " + GetError(tj));
            }
            try
            {
                return new ReadOnlySpan<byte>(jpeg, checked((int)size)).ToArray();
            }
            finally
            {
                tjFree(jpeg);
            }
        }
        finally
        {
            _ = tjDestroy(tj);
        }
    }
}
