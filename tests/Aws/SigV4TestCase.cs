using System.Globalization;
using System.Text;
using System.Text.Json;
using ImageRec.Common.Aws.Signing;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Aws;

/// <summary>
/// One case of the AWS SigV4 test suite in <c>../shared/testdata/sigv4</c> (see its README):
/// the raw <c>.req</c> parsed into its parts plus the expected <c>.creq</c>, <c>.sts</c>, <c>.authz</c>.
/// </summary>
public sealed record SigV4TestCase(
    string Id,
    string Method,
    string Target,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Body,
    string ExpectedCanonicalRequest,
    string ExpectedStringToSign,
    string ExpectedAuthorization)
{
    public static string SuiteDirectory => Path.Combine(RepositoryPaths.SharedTestData, "sigv4");

    public string RequestPath => Target.Split('?', 2)[0];

    public string? Query => Target.Split('?', 2) is [_, var query] ? query : null;

    public string AmzDate => Headers.Single(h => h.Key.Equals("X-Amz-Date", StringComparison.OrdinalIgnoreCase)).Value;

    public DateTimeOffset SigningTime =>
        DateTimeOffset.ParseExact(AmzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public SigV4Request ToSigV4Request() =>
        new(Method, RequestPath, Query, Headers, SigV4Algorithm.HashPayload(Encoding.UTF8.GetBytes(Body)));

    /// <summary>Case ids (paths relative to the suite, with <c>/</c>) of every folder holding a <c>.req</c>.</summary>
    public static IEnumerable<string> DiscoverIds() =>
        Directory.EnumerateFiles(SuiteDirectory, "*.req", SearchOption.AllDirectories)
            .Where(file => Path.GetFileNameWithoutExtension(file) == new DirectoryInfo(Path.GetDirectoryName(file)!).Name)
            .Select(file => Path.GetRelativePath(SuiteDirectory, Path.GetDirectoryName(file)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static SigV4TestCase Load(string id)
    {
        var folder = Path.Combine(SuiteDirectory, id);
        var name = Path.GetFileName(folder);
        string Read(string extension) => File.ReadAllText(Path.Combine(folder, name + extension), Encoding.UTF8);

        var (method, target, headers, body) = ParseRawRequest(Read(".req"));
        return new SigV4TestCase(id, method, target, headers, body, Read(".creq"), Read(".sts"), Read(".authz"));
    }

    /// <summary>
    /// Parses the suite's raw HTTP/1.1 text: a request line whose target may hold literal spaces and
    /// raw UTF-8, <c>Name:value</c> lines (obsolete folding: indented lines continue the previous
    /// value), then an optional body after a blank line. Lines end in LF.
    /// </summary>
    public static (string Method, string Target, List<KeyValuePair<string, string>> Headers, string Body) ParseRawRequest(string raw)
    {
        var lines = raw.Split('\n');
        var requestLine = lines[0];
        var firstSpace = requestLine.IndexOf(' ');
        var lastSpace = requestLine.LastIndexOf(' ');
        var method = requestLine[..firstSpace];
        var target = requestLine[(firstSpace + 1)..lastSpace];

        var headers = new List<KeyValuePair<string, string>>();
        var index = 1;
        for (; index < lines.Length && lines[index].Length > 0; index++)
        {
            var line = lines[index];
            if (line[0] is ' ' or '\t')
            {
                var previous = headers[^1];
                headers[^1] = new(previous.Key, previous.Value + " " + line.Trim());
                continue;
            }
            var colon = line.IndexOf(':');
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }
        var body = index + 1 < lines.Length ? string.Join('\n', lines[(index + 1)..]) : "";
        return (method, target, headers, body);
    }
}

/// <summary>The suite's <c>params.json</c>: credentials, region, service and per-case session tokens.</summary>
public sealed record SigV4SuiteParameters(
    string AccessKeyId, string SecretAccessKey, string Region, string Service,
    IReadOnlyDictionary<string, string> SessionTokens, IReadOnlySet<string> UnsignedSessionTokenCases)
{
    public static SigV4SuiteParameters Load()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(SigV4TestCase.SuiteDirectory, "params.json")));
        var root = json.RootElement;
        return new SigV4SuiteParameters(
            root.GetProperty("access_key_id").GetString()!,
            root.GetProperty("secret_access_key").GetString()!,
            root.GetProperty("region").GetString()!,
            root.GetProperty("service").GetString()!,
            root.GetProperty("session_tokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            root.GetProperty("unsigned_session_token_cases").EnumerateArray().Select(e => e.GetString()!).ToHashSet());
    }
}
