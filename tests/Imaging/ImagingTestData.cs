using System.Text;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Imaging;

/// <summary>Locates fixtures: tests/Fixtures/imaging in this repo and ../shared/testdata/images next to it.</summary>
internal static class ImagingTestData
{
    public static string RepoRoot => RepositoryPaths.Root;

    public static string FixturePath(string name) => Path.Combine(RepoRoot, "tests", "Fixtures", "imaging", name);

    public static byte[] Fixture(string name) => File.ReadAllBytes(FixturePath(name));

    public static string SharedImagesDir => RepositoryPaths.TestImages;

    public static IEnumerable<string> SharedJpegs() =>
        Directory.GetFiles(SharedImagesDir, "img_*.jpg").OrderBy(p => p, StringComparer.Ordinal);

    public static TheoryData<string> SharedJpegNames()
    {
        var data = new TheoryData<string>();
        for (int i = 0; i < 30; i++)
            data.Add($"img_{i:00}.jpg");
        return data;
    }

    /// <summary>Reads a binary PPM (P6) or PGM (P5, expanded to RGB) with maxval 255.</summary>
    public static (int Width, int Height, byte[] Rgb) ReadNetpbm(byte[] file)
    {
        int pos = 0;
        string Token()
        {
            while (pos < file.Length)
            {
                if (file[pos] == '#')
                    while (pos < file.Length && file[pos] != '\n') pos++;
                else if (char.IsWhiteSpace((char)file[pos])) pos++;
                else break;
            }
            int start = pos;
            while (pos < file.Length && !char.IsWhiteSpace((char)file[pos])) pos++;
            return Encoding.ASCII.GetString(file, start, pos - start);
        }
        string magic = Token();
        int w = int.Parse(Token()), h = int.Parse(Token()), max = int.Parse(Token());
        pos++; // single whitespace after maxval
        Assert.Equal(255, max);
        var rgb = new byte[w * h * 3];
        if (magic == "P6")
            Array.Copy(file, pos, rgb, 0, rgb.Length);
        else if (magic == "P5")
            for (int i = 0; i < w * h; i++)
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = file[pos + i];
        else
            throw new InvalidDataException("not P5/P6: " + magic);
        return (w, h, rgb);
    }

    /// <summary>Mean absolute difference per sample between two equally sized RGB24 buffers.</summary>
    public static double MeanAbsDiff(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += Math.Abs(a[i] - b[i]);
        return (double)sum / a.Length;
    }
}
