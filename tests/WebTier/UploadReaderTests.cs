using System.Net.Http.Headers;
using ImageRec.Common.Imaging;
using ImageRec.Tests.Infrastructure;
using System.Diagnostics.Metrics;
using ImageRec.WebTier.Jobs;
using ImageRec.WebTier.Uploads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.WebTier;

/// <summary>The upload-validation table, unit level: each kind of bad input → its status and reason.</summary>
public sealed class UploadReaderTests
{
    private static readonly UploadOptions Limits = new() { MaxBytes = 64 * 1024, MaxPixels = 1_000_000 };
    private static readonly string[] Fields = ["image"];
    private static readonly WebTierMetrics Metrics =
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    private static async Task<(UploadedImage? Image, UploadRejection? Rejection)> ReadAsync(byte[] file, string field = "image", string? contentType = null)
    {
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var form = new MultipartFormDataContent { { part, field, "photo.jpg" } };
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType ?? form.Headers.ContentType!.ToString();
        context.Request.Body = new MemoryStream(await form.ReadAsByteArrayAsync());
        return await new UploadReader(Options.Create(Limits), Metrics).ReadAsync(context.Request, Fields, CancellationToken.None);
    }

    private static byte[] Jpeg() => File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_15.jpg")); // 86×108, 3 KB

    public static TheoryData<string, int, string> Cases() => new()
    {
        { "empty", 400, "empty-file" },
        { "text", 415, "unsupported-type" },
        { "bmp", 415, "unsupported-type" },
        { "truncated-jpeg", 400, "undecodable" },
        { "over-size-limit", 413, "file-too-large" },
        { "over-pixel-limit", 422, "too-many-pixels" },
    };

    private static byte[] Case(string name) => name switch
    {
        "empty" => [],
        "text" => "just some text"u8.ToArray(),
        "bmp" => [(byte)'B', (byte)'M', 0x36, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0],
        "truncated-jpeg" => Jpeg()[..20],
        "over-size-limit" => [.. Jpeg(), .. new byte[Limits.MaxBytes]],
        "over-pixel-limit" => Jpeg2000x1000(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_rejected_with_its_status_and_reason(string name, int status, string reason)
    {
        var (image, rejection) = await ReadAsync(Case(name));
        Assert.Null(image);
        Assert.NotNull(rejection);
        Assert.Equal((status, reason), (rejection.Status, rejection.Reason));
        Assert.False(string.IsNullOrWhiteSpace(rejection.Detail));
    }

    [Fact]
    public async Task A_good_jpeg_is_accepted_with_its_header()
    {
        var (image, rejection) = await ReadAsync(Jpeg());
        Assert.Null(rejection);
        using (image)
        {
            Assert.Equal(ImageFormat.Jpeg, image!.Header.Format);
            Assert.Equal((86, 108), (image.Header.Width, image.Header.Height));
            Assert.Equal("photo.jpg", image.FileName);
            Assert.Equal(Jpeg().Length, image.Length);
        }
    }

    [Fact]
    public async Task Other_fields_and_non_multipart_bodies_are_missing_file()
    {
        Assert.Equal("missing-file", (await ReadAsync(Jpeg(), field: "other")).Rejection?.Reason);
        Assert.Equal("missing-file", (await ReadAsync(Jpeg(), contentType: "application/json")).Rejection?.Reason);
    }

    [Fact]
    public async Task A_broken_multipart_body_is_malformed_form()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "multipart/form-data; boundary=xyz";
        context.Request.Body = new MemoryStream("--xyz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\n\xFF\xD8\xFF"u8.ToArray());
        var (_, rejection) = await new UploadReader(Options.Create(Limits), Metrics).ReadAsync(context.Request, Fields, CancellationToken.None);
        Assert.Equal((400, "malformed-form"), (rejection?.Status, rejection?.Reason));
    }

    /// <summary>The small test JPEG with its SOF0 dimensions patched to 2000×1000: a header that claims 2 MP.</summary>
    private static byte[] Jpeg2000x1000()
    {
        var bytes = Jpeg();
        for (var i = 2; i + 8 < bytes.Length; i++)
        {
            if (bytes[i] != 0xFF || bytes[i + 1] is not (0xC0 or 0xC2)) continue;
            bytes[i + 5] = 1000 >> 8; bytes[i + 6] = 1000 & 0xFF;  // height
            bytes[i + 7] = 2000 >> 8; bytes[i + 8] = 2000 & 0xFF;  // width
            return bytes;
        }
        throw new InvalidOperationException("no SOF marker in the test JPEG");
    }
}
