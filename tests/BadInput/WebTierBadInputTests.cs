using System.Diagnostics.Metrics;
using ImageRec.WebTier;
using ImageRec.WebTier.Uploads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.BadInput;

/// <summary>
/// The bad-input table at the web tier's upload reader, with its default limits (those of a running web tier):
/// each case it must refuse gets its status and reason, every other case is accepted for the worker to judge.
/// </summary>
public sealed class WebTierBadInputTests
{
    private static readonly WebTierMetrics Metrics =
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    [Theory]
    [MemberData(nameof(BadInputCases.Names), MemberType = typeof(BadInputCases))]
    public async Task The_upload_reader_judges_each_case(string name)
    {
        var c = BadInputCases.Named(name);
        using var content = BadInputRequests.Content(c);
        var context = new DefaultHttpContext();
        context.Request.ContentType = content.Headers.ContentType!.ToString();
        context.Request.Body = new MemoryStream(await content.ReadAsByteArrayAsync());

        var reader = new UploadReader(Options.Create(new UploadOptions()), Metrics, NullLogger<UploadReader>.Instance);
        var (image, rejection) = await reader.ReadAsync(context.Request, ["image"], CancellationToken.None);
        using (image)
        {
            if (c.OverHttp is Refused refused)
            {
                Assert.Null(image);
                Assert.Equal((refused.Status, refused.Reason), (rejection?.Status, rejection?.Reason));
                Assert.False(string.IsNullOrWhiteSpace(rejection!.Detail));
            }
            else
            {
                Assert.True(rejection is null, $"{name}: refused with {rejection?.Status} {rejection?.Reason}: {rejection?.Detail}");
                Assert.Equal(c.Bytes().Length, image!.Length);
            }
        }
    }
}
