namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// Service-specific variations of SigV4
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
/// </summary>
public sealed record SigV4SignerOptions
{
    /// <summary>Options for SQS and other non-S3 services: normalised, re-encoded path; signed token.</summary>
    public static SigV4SignerOptions Default { get; } = new();

    /// <summary>
    /// True (every service but S3): resolve <c>.</c>/<c>..</c> segments, collapse repeated slashes and
    /// URI-encode the path as sent (so an already-encoded path is encoded twice).
    /// False (S3): sign the path as given, URI-encoded exactly once.
    /// </summary>
    public bool NormalizePath { get; init; } = true;

    /// <summary>
    /// True: add <c>X-Amz-Security-Token</c> before signing so it is part of the signed headers.
    /// False: append it after the signature is computed (a few services expect that variant).
    /// </summary>
    public bool SignSessionToken { get; init; } = true;
}
