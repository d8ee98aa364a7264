using System.Net;
using Amazon.S3;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Jobs;

/// <summary>Reads what S3 knows about a job: its result document, or whether its input is still waiting.</summary>
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

    /// <summary>True when the job's input image is stored (the job exists and belongs to <paramref name="owner"/>).</summary>
    public async Task<bool> InputExistsAsync(string owner, string id, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetObjectMetadataAsync(storage.Value.InputBucket, StorageOptions.InputKey(owner, id), cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
