using ImageRec.Common.Aws.Credentials;

namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// Applies <see cref="SigV4Algorithm"/> to an <see cref="HttpRequestMessage"/>
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
/// </summary>
public sealed class SigV4RequestSigner(SigV4SignerOptions options) : IAwsRequestSigner
{
    public SigV4RequestSigner() : this(SigV4SignerOptions.Default)
    {
    }

    public SigV4SignerOptions Options { get; } = options;

    public void Sign(HttpRequestMessage request, ReadOnlySpan<byte> payload, AwsCredentialsSnapshot credentials,
        string region, string service, DateTimeOffset now) =>
        Sign(request, SigV4Algorithm.HashPayload(payload), credentials, region, service, now);

    public void Sign(HttpRequestMessage request, string payloadSha256Hex, AwsCredentialsSnapshot credentials,
        string region, string service, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new ArgumentException("SigV4 signing needs an absolute request URI.", nameof(request));
        }

        // Re-signing (e.g. a retry reusing the message) must not leave stale auth headers behind.
        var headers = request.Headers;
        headers.Remove("Authorization");
        headers.Remove(SigV4Algorithm.AmzDateHeader);
        headers.Remove(SigV4Algorithm.SecurityTokenHeader);

        // Sign exactly the Host that HttpClient will send.
        headers.Host = uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";
        headers.TryAddWithoutValidation(SigV4Algorithm.AmzDateHeader, SigV4Algorithm.FormatAmzDate(now));
        if (credentials.HasSessionToken && Options.SignSessionToken)
        {
            headers.TryAddWithoutValidation(SigV4Algorithm.SecurityTokenHeader, credentials.SessionToken);
        }

        var signable = SignableHeaders.Collect(request);
        var query = uri.Query;
        var sigV4Request = new SigV4Request(
            request.Method.Method,
            uri.AbsolutePath,
            query.Length > 1 ? query[1..] : null,
            signable,
            payloadSha256Hex);
        var authorization = SigV4Algorithm.ComputeAuthorization(sigV4Request, credentials, region, service, now, Options);
        headers.TryAddWithoutValidation("Authorization", authorization);

        if (credentials.HasSessionToken && !Options.SignSessionToken)
        {
            headers.TryAddWithoutValidation(SigV4Algorithm.SecurityTokenHeader, credentials.SessionToken);
        }
    }
}
