using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Aws;

/// <summary>The <see cref="IAmazonS3"/> built by <c>AwsS3ClientFactory</c> (path-style, endpoint override) against the emulator.</summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class S3StorageIntegrationTests(AwsEmulatorFixture emulator)
{
    private readonly IAmazonS3 _s3 = emulator.CreateS3Client();

    private static CancellationToken TestTimeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task Put_get_head_and_delete_an_object()
    {
        var ct = TestTimeout;
        var bucket = await CreateBucketAsync(ct);
        var content = new byte[70_000];
        new Random(7).NextBytes(content);
        const string key = "images/2024/cat photo.jpg";

        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(content),
            ContentType = "image/jpeg",
        }, ct);

        var head = await _s3.GetObjectMetadataAsync(bucket, key, ct);
        Assert.Equal(content.Length, head.ContentLength);
        Assert.Equal("image/jpeg", head.Headers.ContentType);

        using (var get = await _s3.GetObjectAsync(bucket, key, ct))
        {
            using var buffer = new MemoryStream();
            await get.ResponseStream.CopyToAsync(buffer, ct);
            Assert.Equal(content, buffer.ToArray());
        }

        await _s3.DeleteObjectAsync(bucket, key, ct);
        var afterDelete = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.GetObjectMetadataAsync(bucket, key, ct));
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
    }

    [Fact]
    public async Task Getting_a_missing_key_throws_NoSuchKey()
    {
        var ct = TestTimeout;
        var bucket = await CreateBucketAsync(ct);

        // AWSSDK.S3 4.x throws the modelled subclass for this error code.
        var error = await Assert.ThrowsAsync<NoSuchKeyException>(() => _s3.GetObjectAsync(bucket, "nope.jpg", ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("NoSuchKey", error.ErrorCode);
    }

    [Fact]
    public async Task Heading_a_missing_key_is_a_404()
    {
        var ct = TestTimeout;
        var bucket = await CreateBucketAsync(ct);

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.GetObjectMetadataAsync(bucket, "nope.jpg", ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    private async Task<string> CreateBucketAsync(CancellationToken ct)
    {
        var bucket = AwsEmulatorFixture.UniqueName("bucket");
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, ct);
        return bucket;
    }
}
