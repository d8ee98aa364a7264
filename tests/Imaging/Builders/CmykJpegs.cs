namespace ImageRec.Tests.Imaging.Builders;

/// <summary>
/// Four-component JPEGs made in code, each with the RGB a correct decoder must produce, computed here from the
/// stored ink values: Adobe CMYK is stored inverted (255 = no ink), so R = C'·K'/255, G = M'·K'/255, B = Y'·K'/255
/// with C', M', Y', K' the stored bytes. The ink of black, K' = 255 − 2x, darkens the image from left to right.
/// </summary>
internal static class CmykJpegs
{
    public sealed record Sample(byte[] Jpeg, byte[] ExpectedRgb, int Width, int Height);

    private static byte Ink(int x) => (byte)(255 - 2 * x);

    private static byte Scale(int value, int k) => (byte)((value * k + 127) / 255);

    /// <summary>
    /// YCCK (Adobe transform 2), as TurboJPEG writes CMYK: the stored C', M', Y' are base.ppm's R, G, B,
    /// so the expected RGB is base.ppm darkened by the black ink.
    /// </summary>
    public static Sample Ycck()
    {
        var (w, h, rgb) = ImagingTestData.ReadNetpbm(ImagingTestData.Fixture("base.ppm"));
        var cmyk = new byte[w * h * 4];
        var expected = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++)
        {
            byte k = Ink(i % w);
            cmyk[4 * i] = rgb[3 * i];
            cmyk[4 * i + 1] = rgb[3 * i + 1];
            cmyk[4 * i + 2] = rgb[3 * i + 2];
            cmyk[4 * i + 3] = k;
            for (int c = 0; c < 3; c++)
                expected[3 * i + c] = Scale(rgb[3 * i + c], k);
        }
        return new(JpegWriter.EncodeCmyk(cmyk, w, h, quality: 98), expected, w, h);
    }

    /// <summary>
    /// Plain CMYK (Adobe transform 0), which TurboJPEG cannot write directly: a YCCK file of neutral colours
    /// (C' = M' = Y' = 255 − G) stores the planes Y = G, Cb = Cr = 128 and K' exactly (libjpeg's CMYK→YCCK is
    /// R = 255 − C' … then YCbCr, and a grey has Cb = Cr = 128); with the transform flag set to 0 the same planes
    /// are read as C' = G, M' = Y' = 128, K'.
    /// </summary>
    public static Sample PlainCmyk()
    {
        var (w, h, rgb) = ImagingTestData.ReadNetpbm(ImagingTestData.Fixture("base.ppm"));
        var cmyk = new byte[w * h * 4];
        var expected = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++)
        {
            byte k = Ink(i % w), g = rgb[3 * i + 1];
            cmyk[4 * i] = cmyk[4 * i + 1] = cmyk[4 * i + 2] = (byte)(255 - g);
            cmyk[4 * i + 3] = k;
            expected[3 * i] = Scale(g, k);
            expected[3 * i + 1] = expected[3 * i + 2] = Scale(128, k);
        }
        var ycck = JpegWriter.EncodeCmyk(cmyk, w, h, quality: 98);
        return new(JpegWriter.WithAdobeTransform(ycck, transform: 0), expected, w, h);
    }
}
