namespace ImageRec.Common.Aws;

/// <summary>
/// AWS settings, bound from the <c>Aws</c> configuration section (<c>Aws:Region</c>, <c>Aws:ServiceUrl</c>,
/// <c>Aws:AccessKeyId</c>, <c>Aws:SecretAccessKey</c>, <c>Aws:SessionToken</c>): the keys the services, the Helm
/// chart and eng/run-local.sh set. <see cref="AwsServiceCollectionExtensions"/> turns them into the SDK's own options.
/// </summary>
public sealed class AwsOptions
{
    public const string SectionName = "Aws";

    /// <summary>Region of the endpoints and of signing.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// Endpoint override for every service (e.g. the local emulator, <c>http://127.0.0.1:4566</c>).
    /// Unset: the public regional endpoints.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Static credentials (emulator: <c>test</c>/<c>test</c>). Unset: the AWS SDK's default chain.</summary>
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    public string? SessionToken { get; set; }

    public bool HasStaticCredentials => !string.IsNullOrEmpty(AccessKeyId) && !string.IsNullOrEmpty(SecretAccessKey);
}
