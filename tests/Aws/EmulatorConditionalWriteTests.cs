using System.Net;
using Amazon.S3;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Aws;

/// <summary>
/// The emulator's <c>If-None-Match</c> on PutObject (eng/emulator/conditional-writes.mjs, standing in for what fauxqs
/// 2.4.1 lacks) over HTTP, answering as S3 does: 412 PreconditionFailed when the key exists, 501 NotImplemented for a
/// value other than <c>*</c>, and of create-only PUTs of one key that arrive together exactly one stores.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class EmulatorConditionalWriteTests(AwsEmulatorFixture emulator)
{
    [Fact]
    public async Task An_existing_key_is_refused_with_412_PreconditionFailed_and_an_etag_value_with_501_NotImplemented()
    {
        var bucket = await S3TestBucket.CreateAsync(emulator, "conditional");
        await bucket.S3.PutObjectAsync(bucket.Put("taken", S3TestBucket.Content(1), ifNoneMatch: "*"), S3TestBucket.Timeout);

        var exists = await Assert.ThrowsAsync<AmazonS3Exception>(() => bucket.S3.PutObjectAsync(bucket.Put("taken", S3TestBucket.Content(2), ifNoneMatch: "*"), S3TestBucket.Timeout));
        Assert.Equal(HttpStatusCode.PreconditionFailed, exists.StatusCode);
        Assert.Equal("PreconditionFailed", exists.ErrorCode);

        // S3 takes only '*' here; an ETag is functionality it does not implement.
        var etag = await Assert.ThrowsAsync<AmazonS3Exception>(() => bucket.S3.PutObjectAsync(bucket.Put("free", S3TestBucket.Content(3), ifNoneMatch: "\"0123abcd\""), S3TestBucket.Timeout));
        Assert.Equal(HttpStatusCode.NotImplemented, etag.StatusCode);
        Assert.Equal("NotImplemented", etag.ErrorCode);

        Assert.Equal(S3TestBucket.Content(1), await bucket.StoredAsync("taken"));
        Assert.False(await bucket.ExistsAsync("free"));
    }

    [Fact]
    public async Task Of_create_only_puts_of_a_key_that_arrive_together_exactly_one_stores()
    {
        var bucket = await S3TestBucket.CreateAsync(emulator, "conditional");
        // Raw HTTP, so the bodies can be held back and end together: the emulator then reads the requests' ends in
        // one turn of its event loop, and a check that gave way between looking for the key and storing (an await,
        // a setImmediate) would let several through.
        const int writers = 32;
        using var http = new HttpClient { BaseAddress = emulator.ServiceUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var held = new HeldBackBodies(writers);
        var puts = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{bucket.Name}/arrive-together") { Content = held.Body(S3TestBucket.Content(i)) };
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
            using var response = await http.SendAsync(request, S3TestBucket.Timeout);
            return response.StatusCode;
        })).ToArray();
        await held.SendLastBytesAsync(TimeSpan.FromSeconds(30));

        var statuses = await Task.WhenAll(puts);

        var created = Assert.Single(Enumerable.Range(0, writers), i => statuses[i] == HttpStatusCode.OK);
        Assert.All(statuses.Where((_, i) => i != created), status => Assert.Equal(HttpStatusCode.PreconditionFailed, status));
        Assert.Equal(S3TestBucket.Content(created), await bucket.StoredAsync("arrive-together"));
    }
}
