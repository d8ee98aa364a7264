using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImageRec.Common.Aws;
using ImageRec.Tests.Infrastructure;
using ImageRec.WebTier;
using ImageRec.WebTier.Storage;
using ImageRec.WebTier.Page;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// How the web tier serves the page, over real HTTP: content types, the caching of fingerprinted
/// files, ETags, the Content-Security-Policy, and that everything the page loads is there.
/// (What the page does is the browser test's part: tests/Browser.)
/// </summary>
public sealed partial class WebPageTests : IAsyncLifetime
{
    private LoopbackApp _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await StartAsync([]);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static Task<LoopbackApp> StartAsync(Dictionary<string, string?> settings) => LoopbackApp.StartAsync(
        builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddProblemDetails();
            builder.Services.AddWebPage(builder.Configuration);
            // As the web tier binds them (AddImageRecAws, AddImageStorage): the input bucket's origins are in the policy.
            builder.Services.AddOptions<AwsOptions>().Bind(builder.Configuration.GetSection(AwsOptions.SectionName));
            builder.Services.Configure<ImageRec.Common.Configuration.StorageOptions>(builder.Configuration.GetSection(ImageRec.Common.Configuration.StorageOptions.Section));
        },
        app => app.MapWebPage());

    private async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Address, path));
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        var response = await _http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_is_html_with_a_strict_policy_and_no_inline_code()
    {
        var (response, html) = await GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());

        var policy = Directives(response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("'none'", policy["default-src"]);
        Assert.Equal("'self'", policy["script-src"]);
        Assert.Equal("'self'", policy["style-src"]);
        Assert.Equal("'self' blob:", policy["img-src"]);
        // This origin, and the input bucket's on S3 (defaults: imagerec-input in us-east-1) for the large files' presigned PUTs.
        Assert.Equal($"'self' {DefaultBucketOrigins}", policy["connect-src"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.Equal("'script'", policy["require-trusted-types-for"]);
        Assert.DoesNotContain("unsafe", string.Join(' ', policy.Values));

        // Nothing the policy would block: scripts only by src, no inline styles or event handlers.
        Assert.All(ScriptTag().Matches(html), tag => Assert.Contains(" src=\"/app/", tag.Value));
        Assert.DoesNotMatch(InlineCode(), html);
    }

    [Fact]
    public async Task Every_file_the_page_loads_is_served_fingerprinted_immutable_and_with_its_type()
    {
        var (_, html) = await GetAsync("/");
        var version = Assert.Single(AssetReference().Matches(html).Select(m => m.Groups["version"].Value).Distinct());
        var files = new Queue<string>(AssetReference().Matches(html).Select(m => m.Groups["file"].Value).Distinct());
        var seen = new HashSet<string>();
        while (files.TryDequeue(out var file))
        {
            if (!seen.Add(file)) continue;
            var (response, body) = await GetAsync($"/app/{version}/{file}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{file}: {(int)response.StatusCode} {body}");
            Assert.Equal(ExpectedType(file), response.Content.Headers.ContentType!.ToString());
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
            Assert.NotNull(response.Headers.ETag);
            // ES modules pull in their imports: follow them, so a missing module fails here.
            foreach (Match import in ModuleImport().Matches(body)) files.Enqueue(import.Groups["file"].Value);
        }
        Assert.Superset(new HashSet<string> { "main.js", "auth.js", "api.js", "app.css", "icon.svg" }, seen);
    }

    [Fact]
    public async Task A_cached_file_is_revalidated_with_its_etag()
    {
        var (first, _) = await GetAsync("/");
        var (again, body) = await GetAsync("/", first.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(body);

        var (asset, _) = await GetAsync("/app/main.js");
        var (assetAgain, _) = await GetAsync("/app/main.js", asset.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, assetAgain.StatusCode);
    }

    [Fact]
    public async Task Files_of_another_version_are_served_but_revalidated_and_unknown_files_are_404()
    {
        // A page loaded before a rolling update may ask the new replica for its files.
        var (old, _) = await GetAsync("/app/0123456789ab/main.js");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal("no-cache", old.Headers.CacheControl!.ToString());

        var (missing, body) = await GetAsync("/app/0123456789ab/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
        Assert.Equal("not-found", JsonDocument.Parse(body).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Extra_connect_sources_are_reduced_to_origins_and_anything_else_is_refused_at_start()
    {
        await using (var server = await StartAsync(new() { ["WebPage:ConnectSources:0"] = "https://login.example.com/realms/imagerec/" }))
        {
            using var response = await _http.GetAsync(server.Address);
            Assert.Equal($"'self' {DefaultBucketOrigins} https://login.example.com", Directives(response.Headers.GetValues("Content-Security-Policy").Single())["connect-src"]);
        }

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { ["WebPage:ConnectSources:0"] = "'unsafe-eval'" }));
        Assert.Contains("''unsafe-eval'' is not one", refused.Message);
    }

    private const string DefaultBucketOrigins = "https://imagerec-input.s3.us-east-1.amazonaws.com https://s3.us-east-1.amazonaws.com";

    [Fact]
    public async Task With_an_endpoint_override_the_page_may_call_that_endpoint_and_no_S3_origin()
    {
        await using var server = await StartAsync(new() { ["Aws:ServiceUrl"] = "http://127.0.0.1:4566/", ["Storage:InputBucket"] = "images" });
        using var response = await _http.GetAsync(server.Address);
        Assert.Equal("'self' http://127.0.0.1:4566", Directives(response.Headers.GetValues("Content-Security-Policy").Single())["connect-src"]);
    }

    /// <summary>
    /// The page PUTs large files to the URL <c>POST /v1/uploads</c> answers: the origin of whatever the web tier's own
    /// presigner makes (its S3 client, as the web tier registers it) must be one the policy allows, or the browser blocks the PUT.
    /// </summary>
    [Theory]
    [InlineData("us-east-1", "imagerec-input", null)]
    [InlineData("eu-west-1", "photos-prod", null)]
    [InlineData("ap-southeast-2", "with.dots.bucket", null)]
    [InlineData("us-east-1", "imagerec-input", "http://127.0.0.1:4566")]
    public async Task The_presigned_urls_origin_is_one_the_policy_allows(string region, string bucket, string? serviceUrl)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:Region"] = region,
            ["Aws:ServiceUrl"] = serviceUrl,
            ["Aws:AccessKeyId"] = "AKIDEXAMPLE",
            ["Aws:SecretAccessKey"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ["Storage:InputBucket"] = bucket,
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddImageRecAws(configuration).AddImageStorage(configuration).BuildServiceProvider();
        var url = await services.GetRequiredService<InputStore>().PresignPutAsync("user-a", Guid.CreateVersion7().ToString(), "image/jpeg",
            DateTimeOffset.UtcNow.AddMinutes(5), default);

        var allowed = WebPage.InputBucketOrigins(services.GetRequiredService<IOptions<AwsOptions>>().Value, bucket);
        Assert.Contains(url.GetLeftPart(UriPartial.Authority), allowed);
        Assert.Contains(url.GetLeftPart(UriPartial.Authority), Directives(WebPage.ContentSecurityPolicy(new WebPageOptions(), allowed))["connect-src"].Split(' '));
    }

    private static Dictionary<string, string> Directives(string policy) => policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(d => d.Split(' ', 2)).ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");

    private static string ExpectedType(string file) => Path.GetExtension(file) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml; charset=utf-8",
        var other => throw new InvalidOperationException($"the page loads a {other} file; add its expected type here"),
    };

    [GeneratedRegex("<script\\b[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<script\\b[^>]*>[^<]+</script>|\\sstyle=|\\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineCode();

    [GeneratedRegex("\"/app/(?<version>[0-9a-f]{12})/(?<file>[a-z]+\\.[a-z]+)\"")]
    private static partial Regex AssetReference();

    [GeneratedRegex("^import [^;]* from '\\./(?<file>[a-z]+\\.js)';", RegexOptions.Multiline)]
    private static partial Regex ModuleImport();
}
