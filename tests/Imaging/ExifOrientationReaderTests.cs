using ImageRec.Common.Imaging;
using ImageRec.Tests.Imaging.Builders;

namespace ImageRec.Tests.Imaging;

/// <summary>The Exif Orientation tag from handcrafted APP1 payloads, and through the JPEG header reader.</summary>
public sealed class ExifOrientationReaderTests
{
    public static TheoryData<int, bool> ValuesAndByteOrders()
    {
        var data = new TheoryData<int, bool>();
        for (int v = 1; v <= 8; v++) { data.Add(v, false); data.Add(v, true); }
        return data;
    }

    [Theory]
    [MemberData(nameof(ValuesAndByteOrders))]
    public void Reads_each_value_in_both_byte_orders(int value, bool bigEndian)
    {
        byte[] exif = ExifBlock.WithOrientation(value, bigEndian);
        Assert.Equal(bigEndian ? "MM"u8.ToArray() : "II"u8.ToArray(), exif[6..8]);
        Assert.Equal((ImageOrientation)value, ExifOrientationReader.Read(exif));
    }

    [Fact]
    public void Handcrafted_big_endian_bytes_read_as_rotate_90()
    {
        byte[] exif =
        [
            .. "Exif\0\0"u8,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // TIFF header, IFD0 at 8
            0x00, 0x01,                                               // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, // Orientation, SHORT, 1, 6
            0x00, 0x00, 0x00, 0x00,                                   // no next IFD
        ];
        Assert.Equal(ImageOrientation.Rotate90, ExifOrientationReader.Read(exif));
        byte[] littleEndian =
        [
            .. "Exif\0\0"u8,
            (byte)'I', (byte)'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
            0x01, 0x00,
            0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(ImageOrientation.Rotate270, ExifOrientationReader.Read(littleEndian));
    }

    public static TheoryData<string> Unusable() =>
    [
        "no tag", "value 0", "value 9", "type LONG", "count 2", "XMP, not Exif", "bad byte order", "not 42", "IFD0 past the end", "empty",
    ];

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Anything_unusable_reads_as_normal(string kind)
    {
        byte[] exif = kind switch
        {
            "no tag" => ExifBlock.Build(false, new ExifBlock.Entry(0x010F, 2, 4, 0)),
            "value 0" => ExifBlock.WithOrientation(0),
            "value 9" => ExifBlock.WithOrientation(9),
            "type LONG" => ExifBlock.Build(false, new ExifBlock.Entry(ExifBlock.OrientationTag, 4, 1, 6)),
            "count 2" => ExifBlock.Build(true, new ExifBlock.Entry(ExifBlock.OrientationTag, ExifBlock.ShortType, 2, 6)),
            "XMP, not Exif" => [.. "http://ns.adobe.com/xap/1.0/\0"u8, .. ExifBlock.WithOrientation(6)[6..]],
            "bad byte order" => [.. "Exif\0\0IM"u8, .. ExifBlock.WithOrientation(6)[8..]],
            "not 42" => Patched(ExifBlock.WithOrientation(6), 8, 43),
            "IFD0 past the end" => Patched(ExifBlock.WithOrientation(6), 10, 200),
            _ => [],
        };
        Assert.Equal(ImageOrientation.Normal, ExifOrientationReader.Read(exif));
    }

    [Fact]
    public void Every_prefix_and_random_mutations_are_safe()
    {
        byte[] exif = ExifBlock.WithOrientation(6, bigEndian: true);
        for (int len = 0; len <= exif.Length; len++)
        {
            var o = ExifOrientationReader.Read(exif.AsSpan(0, len));
            Assert.True(o == ImageOrientation.Normal || (o == ImageOrientation.Rotate90 && len >= exif.Length - 4 - 2 * 12));
        }
        var rng = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] m = (byte[])exif.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) m[rng.Next(6, m.Length)] = (byte)rng.Next(256);
            Assert.InRange((int)ExifOrientationReader.Read(m.AsSpan(0, rng.Next(m.Length + 1))), 1, 8);
        }
    }

    [Fact]
    public void The_jpeg_header_carries_the_first_exif_orientation()
    {
        byte[] jpeg = ImagingTestData.Fixture("rgb.jpg"); // starts with a JFIF APP0: Exif comes after it here
        byte[] tagged = JpegWriter.WithApp1(JpegWriter.WithApp1(jpeg, ExifBlock.WithOrientation(3)), [.. "http://ns.adobe.com/xap/1.0/\0<x/>"u8]);
        Assert.True(ImageHeaderReader.TryRead(tagged, out var header));
        Assert.Equal(ImageOrientation.Rotate180, header.Orientation);
        Assert.Equal((64, 48), (header.Width, header.Height));

        byte[] twice = JpegWriter.WithApp1(JpegWriter.WithApp1(jpeg, ExifBlock.WithOrientation(3)), ExifBlock.WithOrientation(8));
        Assert.True(ImageHeaderReader.TryRead(twice, out header));
        Assert.Equal(ImageOrientation.Rotate270, header.Orientation); // the first one in the file

        Assert.True(ImageHeaderReader.TryRead(jpeg, out header));
        Assert.Equal(ImageOrientation.Normal, header.Orientation);
    }

    private static byte[] Patched(byte[] b, int at, byte value)
    {
        b[at] = value;
        return b;
    }
}
