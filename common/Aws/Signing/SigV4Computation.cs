namespace ImageRec.Common.Aws.Signing;

/// <summary>
/// The intermediate and final artefacts of one SigV4 signature, byte-for-byte as the spec defines
/// them (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), so tests and
/// diagnostics can compare each step.
/// </summary>
public sealed record SigV4Computation(
    string CanonicalRequest,
    string StringToSign,
    string Signature,
    string SignedHeaders,
    string Authorization);
