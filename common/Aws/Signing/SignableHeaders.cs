namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// Picks the headers of an <see cref="HttpRequestMessage"/> that go into the SigV4 signature:
/// all of them except those proxies or the HTTP stack may add, drop or rewrite in transit
/// (the same exclusions the AWS SDKs make).
/// </summary>
internal static class SignableHeaders
{
    private static readonly HashSet<string> Excluded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "User-Agent", "Expect", "X-Amzn-Trace-Id", "Connection", "Keep-Alive",
        "Transfer-Encoding", "Upgrade", "Proxy-Authorization", "TE", "Content-Length",
    };

    public static List<KeyValuePair<string, string>> Collect(HttpRequestMessage request)
    {
        var result = new List<KeyValuePair<string, string>>(8);
        // NonValidated: read the raw values without parsing them (cheaper, and what is sent).
        foreach (var header in request.Headers.NonValidated)
        {
            Add(result, header.Key, header.Value);
        }
        if (request.Content is { } content)
        {
            foreach (var header in content.Headers.NonValidated)
            {
                Add(result, header.Key, header.Value);
            }
        }
        return result;
    }

    private static void Add(List<KeyValuePair<string, string>> result, string name, System.Net.Http.Headers.HeaderStringValues values)
    {
        if (Excluded.Contains(name))
        {
            return;
        }
        foreach (var value in values)
        {
            result.Add(new KeyValuePair<string, string>(name, value));
        }
    }
}
