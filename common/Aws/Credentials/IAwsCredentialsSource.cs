namespace ImageRec.Common.Aws.Credentials;

/// <summary>Supplies current AWS credentials; implementations refresh temporary credentials as needed.</summary>
public interface IAwsCredentialsSource
{
    ValueTask<AwsCredentialsSnapshot> GetCredentialsAsync(CancellationToken cancellationToken);
}
