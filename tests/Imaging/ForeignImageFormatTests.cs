using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using ImageRec.Tests.BadInput;

namespace ImageRec.Tests.Imaging;

/// <summary>Formats we do not decode are named by their signatures; what is no image format is not.</summary>
public sealed class ForeignImageFormatTests
{
    public static TheoryData<string, string?> Samples() => new()
    {
        { "gif", "GIF" }, { "animated gif", "GIF" }, { "bmp", "BMP" }, { "tiff", "TIFF" }, { "big-endian tiff", "TIFF" },
        { "heic", "HEIC/HEIF" }, { "avif", "AVIF" }, { "avif under a mif1 major brand", "AVIF" }, { "jpeg xl", "JPEG XL" },
        { "jpeg 2000", "JPEG 2000" }, { "psd", "Photoshop (PSD)" }, { "svg", "SVG" },
        { "text", null }, { "pdf", null }, { "zip", null }, { "empty", null }, { "BM and too little else", null }, { "mp4", null },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Names_what_it_recognises(string kind, string? name)
    {
        byte[] data = kind switch
        {
            "gif" => BadInputFiles.Gif(),
            "animated gif" => BadInputFiles.AnimatedGif(),
            "bmp" => BadInputFiles.Bmp(),
            "tiff" => BadInputFiles.Tiff(),
            "big-endian tiff" => [.. "MM\0*"u8, 0, 0, 0, 8],
            "heic" => BadInputFiles.IsoMedia("heic", "mif1", "heic"),
            "avif" => BadInputFiles.IsoMedia("avif", "avif", "mif1"),
            "avif under a mif1 major brand" => BadInputFiles.IsoMedia("mif1", "mif1", "miaf", "avif"),
            "jpeg xl" => BadInputFiles.JpegXl(),
            "jpeg 2000" => [0, 0, 0, 0x0C, .. "jP  "u8, 0x0D, 0x0A, 0x87, 0x0A],
            "psd" => [.. "8BPS"u8, 0, 1, 0, 0, 0, 0, 0, 0],
            "svg" => BadInputFiles.Svg(),
            "text" => BadInputFiles.Text("hello"),
            "pdf" => BadInputFiles.Pdf(),
            "zip" => BadInputFiles.Zip(),
            "BM and too little else" => "BMW is a car"u8.ToArray(),
            "mp4" => BadInputFiles.IsoMedia("isom", "isom", "mp41"),
            _ => [],
        };
        Assert.Equal(ImageFormat.Unknown, ImageHeaderReader.DetectFormat(data));
        Assert.Equal(name, ForeignImageFormat.Identify(data));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var rng = new Random(5);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] b = new byte[rng.Next(0, 48)];
            rng.NextBytes(b);
            if (i % 3 == 1 && b.Length >= 8) "ftyp"u8.CopyTo(b.AsSpan(4));
            if (i % 3 == 2 && b.Length >= 2) { b[0] = (byte)'B'; b[1] = (byte)'M'; }
            _ = ForeignImageFormat.Identify(b);
        }
    }
}
