using ImageRec.Common.Contracts;
using ImageRec.Common.Imaging;
using ImageRec.Tests.BadInput;
using ImageRec.Tests.Imaging.Builders;

namespace ImageRec.Tests.Imaging;

/// <summary>What the header alone is enough to refuse, and the APNG detection it relies on.</summary>
public sealed class ImageHeaderPolicyTests
{
    private static ImageRefusal? Judge(byte[] file, long maxPixels = 40_000_000)
    {
        Assert.Equal(ImageHeaderStatus.Ok, ImageHeaderReader.Read(file, out var header));
        return ImageHeaderPolicy.Judge(header, maxPixels);
    }

    [Fact]
    public void The_pixel_limit_is_inclusive()
    {
        Assert.Null(Judge(PngWriter.Header(8000, 5000)));
        Assert.Equal(FailureReasons.TooManyPixels, Judge(PngWriter.Header(8000, 5001))?.Reason);
        Assert.Equal("The image is 8000×5001 = 40008000 pixels, more than the limit of 40000000.", Judge(PngWriter.Header(8000, 5001))?.Detail);
    }

    [Fact]
    public void An_acTL_before_the_image_data_makes_a_png_animated()
    {
        var apng = BadInputFiles.AnimatedPng();
        Assert.True(ImageHeaderReader.TryRead(apng, out var header) && header.IsAnimated);
        Assert.Equal(FailureReasons.AnimatedImage, Judge(apng)?.Reason);

        // After IDAT an acTL is not APNG (the specification puts it first); nor is a still PNG, nor one cut before IDAT.
        byte[] still = ImagingTestData.Fixture("rgb8.png");
        int iend = still.Length - 12;
        byte[] late = [.. still[..iend], .. PngWriter.Chunk("acTL", [0, 0, 0, 2, 0, 0, 0, 0]), .. still[iend..]];
        Assert.True(ImageHeaderReader.TryRead(late, out header) && !header.IsAnimated);
        Assert.True(ImageHeaderReader.TryRead(still, out header) && !header.IsAnimated);
        Assert.True(ImageHeaderReader.TryRead(apng[..40], out header) && !header.IsAnimated);
    }

    [Theory]
    [InlineData((byte)0xC0, (byte)8, null)]
    [InlineData((byte)0xC1, (byte)8, null)]
    [InlineData((byte)0xC2, (byte)8, null)]
    [InlineData((byte)0xC9, (byte)8, null)]
    [InlineData((byte)0xCA, (byte)8, null)]
    [InlineData((byte)0xC1, (byte)12, "12-bit JPEG")]
    [InlineData((byte)0xC3, (byte)8, "Lossless JPEG")]
    [InlineData((byte)0xCB, (byte)8, "Lossless JPEG")]
    [InlineData((byte)0xC5, (byte)8, "Hierarchical JPEG")]
    [InlineData((byte)0xCF, (byte)8, "Hierarchical JPEG")]
    public void Jpeg_codings_outside_8_bit_dct_are_unsupported_formats(byte sof, byte precision, string? what)
    {
        var refusal = Judge(JpegWriter.WithFrameHeader(BadInputFiles.TinyJpeg(), marker: sof, precision: precision));
        Assert.Equal(what is null ? null : $"{what} is not supported; send JPEG, PNG or WebP.", refusal?.Detail);
        if (what is not null) Assert.Equal(FailureReasons.UnsupportedFormat, refusal?.Reason);
    }
}
