using BenchmarkDotNet.Attributes;
using ImageRec.Worker.Imaging.Native;
using static ImageRec.Worker.Imaging.Native.TurboJpegNative;

namespace ImageRec.Benchmarks;

/// <summary>
/// The libjpeg-turbo options the worker's <see cref="ImageRec.Worker.Imaging.JpegDecoder"/> turned down, timed
/// on the test photos against what it does (full size, accurate IDCT):
/// <list type="bullet">
/// <item>DCT scaling by 7/8 and 6/8: the photos are ~500×375, so 6/8 (375 → 282) would still be ≥ 256 on the short
/// side. libjpeg-turbo has SIMD IDCTs only for 8×8 and the 1/2 and 1/4 reductions; the 7×7 and 6×6 IDCTs are
/// plain C, so these are slower, and the decoder takes only 1/2, 1/4 and 1/8.</item>
/// <item>The fast integer IDCT with fast upsampling: changes most pixel values (the model's README shows
/// decoder changes flip top-1s), for the few percent it saves while Huffman decoding dominates.</item>
/// </list>
/// </summary>
public unsafe class JpegDecodeOptionsBenchmarks
{
    private const int TJFLAG_FASTUPSAMPLE = 256;
    private const int TJFLAG_FASTDCT = 2048;

    private TurboJpegHandle _handle = null!;
    private byte[] _encoded = [];
    private byte[] _pixels = [];
    private int _width, _height;

    [Params("img_00.jpg", "img_04.jpg")] // 500×375 and 500×383: 6/8 keeps the short side ≥ 256
    public string Image { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _handle = TurboJpegHandle.CreateDecompressor();
        _encoded = File.ReadAllBytes(BenchPaths.TestImage(Image));
        int w, h, subsamp, colorspace;
        fixed (byte* src = _encoded)
        {
            if (tjDecompressHeader3(_handle.DangerousGetHandle(), src, (nuint)_encoded.Length, &w, &h, &subsamp, &colorspace) != 0)
                throw new InvalidOperationException($"{Image}: {GetError(_handle.DangerousGetHandle())}");
        }
        (_width, _height) = (w, h);
        if (Math.Min(Scaled(w, 6), Scaled(h, 6)) < 256)
            throw new InvalidOperationException($"{Image} ({w}×{h}) is too small for 6/8 scaling to stay ≥ 256");
        _pixels = new byte[w * h * 3];
    }

    [GlobalCleanup]
    public void Cleanup() => _handle.Dispose();

    [Benchmark(Baseline = true)]
    public int FullSizeAccurate() => Decode(eighths: 8, TJFLAG_ACCURATEDCT);

    [Benchmark]
    public int SevenEighths() => Decode(eighths: 7, TJFLAG_ACCURATEDCT);

    [Benchmark]
    public int SixEighths() => Decode(eighths: 6, TJFLAG_ACCURATEDCT);

    [Benchmark]
    public int FastDctFastUpsample() => Decode(eighths: 8, TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE);

    private static int Scaled(int dimension, int eighths) =>
        TurboJpegNative.Scaled(dimension, new TjScalingFactor { Num = eighths, Denom = 8 });

    private int Decode(int eighths, int flags)
    {
        int w = Scaled(_width, eighths), h = Scaled(_height, eighths);
        fixed (byte* src = _encoded)
        fixed (byte* dst = _pixels)
        {
            if (tjDecompress2(_handle.DangerousGetHandle(), src, (nuint)_encoded.Length, dst, w, w * 3, h, TJPF_RGB, flags) != 0)
                throw new InvalidOperationException(GetError(_handle.DangerousGetHandle()));
        }
        return w;
    }
}
