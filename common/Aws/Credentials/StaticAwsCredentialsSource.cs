namespace ImageRec.Common.Aws.Credentials;

/// <summary>Fixed credentials, e.g. <c>test</c>/<c>test</c> for the local emulator.</summary>
public sealed class StaticAwsCredentialsSource(AwsCredentialsSnapshot credentials) : IAwsCredentialsSource
{
    public ValueTask<AwsCredentialsSnapshot> GetCredentialsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(credentials);
}
