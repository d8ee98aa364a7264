using System.Net.Http.Headers;
using ImageRec.Common.Imaging;
using ImageRec.Tests.Infrastructure;
using System.Diagnostics.Metrics;
using ImageRec.WebTier;
using ImageRec.WebTier.Uploads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.WebTier;

/// <summary>The upload reader's form handling; the table of bad images is tests/BadInput.</summary>
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
        return await new UploadReader(Options.Create(Limits), Metrics, NullLogger<UploadReader>.Instance).ReadAsync(context.Request, Fields, CancellationToken.None);
    }

    private static byte[] Jpeg() => File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_15.jpg")); // 86×108, 3 KB

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
        var (_, rejection) = await new UploadReader(Options.Create(Limits), Metrics, NullLogger<UploadReader>.Instance).ReadAsync(context.Request, Fields, CancellationToken.None);
        Assert.Equal((400, "malformed-form"), (rejection?.Status, rejection?.Reason));
    }
}
