using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Aws;

/// <summary>A bucket of one test's own on the emulator, and what the test puts there and reads back.</summary>
public sealed class S3TestBucket
{
    private S3TestBucket(IAmazonS3 s3, string name) => (S3, Name) = (s3, name);

    /// <summary>The emulator's client, as the fixture builds it.</summary>
    public IAmazonS3 S3 { get; }

    public string Name { get; }

    public static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    /// <summary>A new bucket named <paramref name="prefix"/> and a random suffix.</summary>
    public static async Task<S3TestBucket> CreateAsync(AwsEmulatorFixture emulator, string prefix)
    {
        var s3 = emulator.CreateS3Client();
        var name = AwsEmulatorFixture.UniqueName(prefix);
        await s3.PutBucketAsync(name, Timeout);
        return new S3TestBucket(s3, name);
    }

    /// <summary>64 KiB of bytes that differ by <paramref name="seed"/>.</summary>
    public static byte[] Content(int seed)
    {
        var bytes = new byte[64 * 1024];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public PutObjectRequest Put(string key, byte[] content, string? ifNoneMatch = null) => new()
    {
        BucketName = Name,
        Key = key,
        InputStream = new MemoryStream(content),
        ContentType = "application/octet-stream",
        UseChunkEncoding = false,
        IfNoneMatch = ifNoneMatch,
    };

    public async Task<byte[]> StoredAsync(string key)
    {
        using var response = await S3.GetObjectAsync(Name, key, Timeout);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async Task<bool> ExistsAsync(string key)
    {
        try
        {
            await S3.GetObjectMetadataAsync(Name, key, Timeout);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
