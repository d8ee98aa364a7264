using ImageRec.Common.Aws.Credentials;

namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// Adds AWS SigV4 authentication headers (<c>X-Amz-Date</c>, <c>Host</c>, <c>Authorization</c> and,
/// with temporary credentials, <c>X-Amz-Security-Token</c>) to an outgoing request.
/// Sign each attempt right before sending it: the signature is only valid for a few minutes.
/// </summary>
public interface IAwsRequestSigner
{
    /// <param name="request">Request with an absolute URI; its headers and content headers are signed.</param>
    /// <param name="payload">Exact body bytes that will be sent (empty for no body).</param>
    void Sign(HttpRequestMessage request, ReadOnlySpan<byte> payload, AwsCredentialsSnapshot credentials,
        string region, string service, DateTimeOffset now);

    /// <param name="payloadSha256Hex">Lowercase hex SHA-256 of the body, when the caller already has it.</param>
    void Sign(HttpRequestMessage request, string payloadSha256Hex, AwsCredentialsSnapshot credentials,
        string region, string service, DateTimeOffset now);
}
