using System.Net;
using Amazon.S3;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Storage;

/// <summary>The result documents workers write to the results bucket, <c>{owner}/{id}.json</c>: the one place in the web tier that reads or removes them.</summary>
public sealed class ResultStore(IAmazonS3 s3, IOptions<StorageOptions> storage)
{
    /// <summary>The job's result, or null when no worker has written one yet.</summary>
    public async Task<RecognitionResult?> GetResultAsync(string owner, string id, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(storage.Value.ResultBucket, StorageOptions.ResultKey(owner, id), cancellationToken);
            using var reader = new StreamReader(response.ResponseStream);
            return ContractSerializer.ParseResult(await reader.ReadToEndAsync(cancellationToken));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task DeleteAsync(string owner, string id, CancellationToken cancellationToken) =>
        s3.DeleteObjectAsync(storage.Value.ResultBucket, StorageOptions.ResultKey(owner, id), cancellationToken);
}
