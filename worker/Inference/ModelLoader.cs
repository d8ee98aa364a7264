using System.Security.Cryptography;
using Amazon.S3;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageRec.Worker.Inference;

/// <summary>
/// Brings the model and its labels to local disk (from S3 when given <c>s3://</c> URIs), checks the
/// model's SHA-256 and builds the classifier. Runs once at start, before the worker takes jobs.
/// </summary>
public sealed class ModelLoader(IOptions<ClassifierOptions> options, IAmazonS3? s3, ILogger<ModelLoader> logger)
{
    public async Task<OnnxImageClassifier> LoadAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.Uri) || string.IsNullOrWhiteSpace(o.LabelsUri))
            throw new InvalidOperationException("Model:Uri and Model:LabelsUri must be set (a local path or s3://bucket/key).");

        var modelPath = await FetchAsync(o.Uri, cancellationToken);
        var labelsPath = await FetchAsync(o.LabelsUri, cancellationToken);

        var sha256 = await Sha256HexAsync(modelPath, cancellationToken);
        if (!string.IsNullOrWhiteSpace(o.Sha256) && !string.Equals(sha256, o.Sha256.Trim(), StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Model {o.Uri} has SHA-256 {sha256}, expected {o.Sha256}; refusing to serve it.");

        var labels = OnnxImageClassifier.ReadLabels(labelsPath);
        var model = new ModelInfo(Path.GetFileNameWithoutExtension(modelPath), sha256);
        var classifier = new OnnxImageClassifier(modelPath, labels, model, o, logger);
        logger.LogInformation("Loaded model {Model} (sha256 {Sha256}, {Labels} labels) on {Provider}",
            model.Name, sha256, labels.Length, classifier.ExecutionProvider);
        return classifier;
    }

    private async Task<string> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        if (!uri.StartsWith("s3://", StringComparison.Ordinal))
        {
            if (!File.Exists(uri)) throw new FileNotFoundException($"Model file {uri} does not exist.", uri);
            return uri;
        }
        if (s3 is null) throw new InvalidOperationException($"{uri} needs S3, which is not configured.");

        var (bucket, key) = ParseS3Uri(uri);
        var local = Path.Combine(options.Value.CacheDirectory, bucket, key);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        // Download to a temporary name and rename, so a crash never leaves a half-written model behind.
        var partial = local + ".partial-" + Environment.ProcessId;
        using (var response = await s3.GetObjectAsync(bucket, key, cancellationToken))
        await using (var file = File.Create(partial))
            await response.ResponseStream.CopyToAsync(file, cancellationToken);
        File.Move(partial, local, overwrite: true);
        logger.LogInformation("Downloaded {Uri} to {Path}", uri, local);
        return local;
    }

    internal static (string Bucket, string Key) ParseS3Uri(string uri)
    {
        var rest = uri["s3://".Length..];
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1) throw new FormatException($"'{uri}' is not of the form s3://bucket/key");
        return (rest[..slash], rest[(slash + 1)..]);
    }

    private static async Task<string> Sha256HexAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
