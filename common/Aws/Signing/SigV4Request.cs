namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// The parts of an HTTP request that SigV4 signs, as they go on the wire.
/// </summary>
/// <param name="Method">HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">Request path as sent (percent-encoded or raw); empty means <c>/</c>.</param>
/// <param name="Query">Query string without the leading <c>?</c>; null or empty when there is none.</param>
/// <param name="Headers">Headers to sign, in order; a repeated name appears once per value.</param>
/// <param name="PayloadSha256Hex">Lowercase hex SHA-256 of the body.</param>
public sealed record SigV4Request(
    string Method,
    string Path,
    string? Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string PayloadSha256Hex);
