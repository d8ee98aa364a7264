using ImageRec.Common.Aws;
using ImageRec.Common.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImageRec.WebTier.Page;

/// <summary>
/// The browser page: <c>GET /</c> serves index.html, <c>GET /app/{version}/{file}</c> its scripts,
/// styles and icon. Plain HTML, CSS and ES modules, no build step; a strict Content-Security-Policy
/// (scripts and styles from this origin only, no inline code) guards it.
/// </summary>
public static class WebPage
{
    private const string Immutable = "public, max-age=31536000, immutable";
    private const string Revalidate = "no-cache";

    public static IServiceCollection AddWebPage(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebPageOptions>(configuration.GetSection(WebPageOptions.Section));
        services.AddSingleton(new WebPageAssets(typeof(WebPage).Assembly));
        return services;
    }

    public static IEndpointRouteBuilder MapWebPage(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var policy = ContentSecurityPolicy(services.GetRequiredService<IOptions<WebPageOptions>>().Value,
            InputBucketOrigins(services.GetRequiredService<IOptions<AwsOptions>>().Value, services.GetRequiredService<IOptions<StorageOptions>>().Value.InputBucket));
        endpoints.MapGet("/", (WebPageAssets assets, HttpResponse response) =>
        {
            response.Headers.ContentSecurityPolicy = policy;
            response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Serve(assets.Index, Revalidate, response);
        }).ExcludeFromDescription();
        endpoints.MapGet("/app/{**path}", ServeAsset).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>
    /// A file of this build's version is cached for good. Any other path prefix (a page loaded before
    /// a rolling update asking the new replica for its files) gets the current file, revalidated each time.
    /// </summary>
    private static Results<FileContentHttpResult, ProblemHttpResult> ServeAsset(string path, WebPageAssets assets, HttpResponse response)
    {
        var versioned = path.StartsWith(assets.Version + "/", StringComparison.Ordinal);
        var name = versioned ? path[(assets.Version.Length + 1)..] : path[(path.IndexOf('/') + 1)..];
        if (assets.Find(name) is not { } asset)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such file",
                detail: $"The page has no file '{path}'.", extensions: new Dictionary<string, object?> { ["reason"] = "not-found" });
        return Serve(asset, versioned ? Immutable : Revalidate, response);
    }

    private static FileContentHttpResult Serve(WebPageAsset asset, string cacheControl, HttpResponse response)
    {
        response.Headers.CacheControl = cacheControl;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        // With an ETag the result answers If-None-Match with 304 itself.
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: EntityTagHeaderValue.Parse(asset.ETag));
    }

    /// <summary>
    /// Only this origin's scripts, styles and images (plus blob: URLs: thumbnails are fetched with the
    /// bearer token and shown from blobs); calls to this origin, the input bucket's (<paramref name="storageOrigins"/>:
    /// the page PUTs large files to a presigned URL there) and the configured extra origins.
    /// </summary>
    internal static string ContentSecurityPolicy(WebPageOptions options, IEnumerable<string>? storageOrigins = null)
    {
        var connect = string.Join(' ', new[] { "'self'" }.Concat(storageOrigins ?? []).Concat(options.ConnectSources.Select(Origin)).Distinct());
        return $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src {connect}; " +
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";
    }

    /// <summary>
    /// The origins a presigned URL of the input bucket can have (<see cref="Storage.InputStore.PresignPutAsync"/>): the
    /// endpoint override's (<c>Aws:ServiceUrl</c>, the emulator: path-style), else the regional S3 endpoint,
    /// virtual-hosted (<c>https://{bucket}.s3.{region}.amazonaws.com</c>, what the SDK signs for a bucket name valid as a
    /// host name) and path-style (<c>https://s3.{region}.amazonaws.com</c>, for one that is not, e.g. with dots).
    /// </summary>
    internal static IReadOnlyList<string> InputBucketOrigins(AwsOptions aws, string inputBucket) =>
        !string.IsNullOrEmpty(aws.ServiceUrl)
            ? [Origin(aws.ServiceUrl)]
            : [$"https://{inputBucket}.s3.{aws.Region}.amazonaws.com", $"https://s3.{aws.Region}.amazonaws.com"];

    private static string Origin(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri.GetLeftPart(UriPartial.Authority)
            : throw new OptionsValidationException(WebPageOptions.Section, typeof(WebPageOptions),
                [$"{WebPageOptions.Section}:ConnectSources must hold http(s) origins such as https://login.example.com; '{source}' is not one."]);
}
