using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;

namespace ImageRec.WebTier.Page;

/// <summary>
/// The page's files (webtier/Page/assets, embedded in the assembly, so no content root or
/// wwwroot is needed in the read-only container). Every asset URL carries <see cref="Version"/>,
/// a hash of all files, so browsers may cache them for good and still see a new release at once:
/// index.html, served with revalidation, is rewritten to point at <c>/app/{Version}/…</c>.
/// </summary>
public sealed class WebPageAssets
{
    public const string ResourcePrefix = "page/";
    public const string IndexName = "index.html";

    private readonly Dictionary<string, WebPageAsset> _assets;

    public WebPageAssets(Assembly assembly)
    {
        var files = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToDictionary(name => name[ResourcePrefix.Length..], name => Read(assembly, name), StringComparer.Ordinal);
        if (!files.TryGetValue(IndexName, out var index))
            throw new InvalidOperationException($"the web page's {IndexName} is not embedded in {assembly.GetName().Name}");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, content) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(content);
        }
        Version = Convert.ToHexStringLower(hash.GetHashAndReset())[..12];

        // Absolute asset references in index.html gain the version segment.
        files[IndexName] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(index).Replace("\"/app/", $"\"/app/{Version}/", StringComparison.Ordinal));
        var types = new FileExtensionContentTypeProvider();
        _assets = files.ToDictionary(file => file.Key, file => Describe(file.Key, file.Value, types), StringComparer.Ordinal);
    }

    /// <summary>The fingerprint of this build's page, the first path segment under <c>/app/</c>.</summary>
    public string Version { get; }

    public WebPageAsset Index => _assets[IndexName];

    public WebPageAsset? Find(string name) => _assets.GetValueOrDefault(name);

    private static WebPageAsset Describe(string name, byte[] content, FileExtensionContentTypeProvider types)
    {
        var type = types.TryGetContentType(name, out var known) ? known : "application/octet-stream";
        if (type.StartsWith("text/", StringComparison.Ordinal) || type == "image/svg+xml") type += "; charset=utf-8";
        return new WebPageAsset(name, content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"");
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
