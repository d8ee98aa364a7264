using Amazon.Runtime;

namespace ImageRec.Common.Aws.Credentials;

/// <summary>
/// Adapts an AWSSDK <see cref="AWSCredentials"/> (usually the SDK's default chain: environment,
/// profile, web identity/IRSA, EKS pod identity, IMDS) to <see cref="IAwsCredentialsSource"/>.
/// The SDK object caches and refreshes temporary credentials itself; we only copy them out.
/// </summary>
public sealed class SdkAwsCredentialsSource(AWSCredentials credentials) : IAwsCredentialsSource
{
    private AwsCredentialsSnapshot? _lastSnapshot;

    public async ValueTask<AwsCredentialsSnapshot> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        var immutable = await credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        // Reuse the previous snapshot while the keys are unchanged: no allocation per request.
        var last = _lastSnapshot;
        if (last is not null
            && string.Equals(last.AccessKeyId, immutable.AccessKey, StringComparison.Ordinal)
            && string.Equals(last.SecretAccessKey, immutable.SecretKey, StringComparison.Ordinal)
            && string.Equals(last.SessionToken ?? "", immutable.Token ?? "", StringComparison.Ordinal))
        {
            return last;
        }

        var snapshot = new AwsCredentialsSnapshot(
            immutable.AccessKey, immutable.SecretKey, string.IsNullOrEmpty(immutable.Token) ? null : immutable.Token);
        _lastSnapshot = snapshot;
        return snapshot;
    }
}
