namespace ImageRec.Common.Aws.Credentials;

/// <summary>
/// One immutable set of AWS credentials, taken at a point in time. The signer only ever sees
/// snapshots so a refresh in the middle of signing a request cannot mix old and new keys.
/// </summary>
public sealed record AwsCredentialsSnapshot(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public bool HasSessionToken => !string.IsNullOrEmpty(SessionToken);

    // Keep secrets out of logs and test output.
    public override string ToString() => $"AwsCredentialsSnapshot {{ AccessKeyId = {AccessKeyId}, SessionToken = {(HasSessionToken ? "set" : "none")} }}";
}
