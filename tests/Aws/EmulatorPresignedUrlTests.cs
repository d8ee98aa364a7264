using System.Net;
using System.Net.Http.Headers;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Aws;

/// <summary>
/// PUTs to URLs from the SDK's presigner (<see cref="IAmazonS3.GetPreSignedURLAsync"/>) against the emulator: they store
/// the object and send its event; the emulator's query-string authentication check (eng/emulator/presigned-requests.mjs,
/// after https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html) refuses an expired URL with 403
/// AccessDenied and a request that does not match the signature (another Content-Type than signed, another key, a URL
/// signed with another secret) with 403 SignatureDoesNotMatch, and neither stores nor sends anything.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class EmulatorPresignedUrlTests(AwsEmulatorFixture emulator)
{
    private const string Jpeg = "image/jpeg";

    [Fact]
    public async Task A_presigned_PUT_stores_the_object_and_sends_its_event()
    {
        var events = await BucketEvents.CreateAsync(emulator, "presigned-put");
        await events.ConfigureAsync("uploads", [EventType.ObjectCreatedAll]);
        const string key = "alice/0b9e photo ü.jpg";
        var url = await PresignPutAsync(events.S3, events.Bucket.Name, key, TimeSpan.FromMinutes(5), Jpeg);
        Assert.Contains("X-Amz-Signature=", url, StringComparison.Ordinal);
        var expires = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["X-Amz-Expires"];
        Assert.InRange(int.Parse(expires!, System.Globalization.CultureInfo.InvariantCulture), 295, 305); // the presigner rounds
        var content = S3TestBucket.Content(11);

        using var response = await PutAsync(url, content, Jpeg);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await events.Bucket.StoredAsync(key));
        var head = await events.S3.GetObjectMetadataAsync(events.Bucket.Name, key, S3TestBucket.Timeout);
        Assert.Equal(Jpeg, head.Headers.ContentType);
        var record = await events.NextRecordAsync();
        events.AssertRecord(record, "ObjectCreated:Put", "uploads", key, content.Length, response.Headers.ETag!.Tag);
        await events.AssertEmptyAsync();
    }

    [Fact]
    public async Task An_expired_presigned_URL_is_refused_with_403_AccessDenied_and_sends_nothing()
    {
        var events = await BucketEvents.CreateAsync(emulator, "presigned-expired");
        await events.ConfigureAsync("uploads", [EventType.ObjectCreatedAll]);
        var url = await PresignPutAsync(events.S3, events.Bucket.Name, "alice/late.jpg", TimeSpan.FromSeconds(2), Jpeg);
        // X-Amz-Date has whole seconds and the presigner rounds X-Amz-Expires up: past it for sure after 4 s.
        await Task.Delay(TimeSpan.FromSeconds(4));

        using var response = await PutAsync(url, S3TestBucket.Content(12), Jpeg);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>AccessDenied</Code>", body, StringComparison.Ordinal);
        Assert.Contains("<Message>Request has expired</Message>", body, StringComparison.Ordinal);
        Assert.False(await events.Bucket.ExistsAsync("alice/late.jpg"));
        await events.AssertEmptyAsync();
    }

    [Fact]
    public async Task A_PUT_that_does_not_match_the_signature_is_refused_with_403_SignatureDoesNotMatch()
    {
        var events = await BucketEvents.CreateAsync(emulator, "presigned-mismatch");
        await events.ConfigureAsync("uploads", [EventType.ObjectCreatedAll]);
        var url = await PresignPutAsync(events.S3, events.Bucket.Name, "alice/typed.jpg", TimeSpan.FromMinutes(5), Jpeg);
        Assert.Contains("content-type", Uri.UnescapeDataString(url), StringComparison.Ordinal); // the presigner signs the type

        // Another Content-Type than the one signed.
        using (var otherType = await PutAsync(url, S3TestBucket.Content(13), "text/html"))
        {
            await AssertSignatureDoesNotMatchAsync(otherType);
        }
        // No Content-Type at all.
        using (var noType = await PutAsync(url, S3TestBucket.Content(13), contentType: null))
        {
            await AssertSignatureDoesNotMatchAsync(noType);
        }
        // Another key under the same signature.
        using (var otherKey = await PutAsync(url.Replace("typed.jpg", "other.jpg", StringComparison.Ordinal), S3TestBucket.Content(13), Jpeg))
        {
            await AssertSignatureDoesNotMatchAsync(otherKey);
        }
        // Signed with a secret other than the emulator's (its secret of a key id is the key id).
        using var wrongSecret = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(AwsEmulatorFixture.AccessKeyId, "not-the-secret"),
            new AmazonS3Config { ServiceURL = emulator.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = AwsEmulatorFixture.Region });
        using (var forged = await PutAsync(await PresignPutAsync(wrongSecret, events.Bucket.Name, "alice/typed.jpg", TimeSpan.FromMinutes(5), Jpeg), S3TestBucket.Content(13), Jpeg))
        {
            await AssertSignatureDoesNotMatchAsync(forged);
        }

        Assert.False(await events.Bucket.ExistsAsync("alice/typed.jpg"));
        Assert.False(await events.Bucket.ExistsAsync("alice/other.jpg"));
        await events.AssertEmptyAsync();

        // The URL itself is good.
        using var good = await PutAsync(url, S3TestBucket.Content(13), Jpeg);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task A_presigned_GET_reads_the_object_and_the_local_access_key_local_is_accepted()
    {
        var bucket = await S3TestBucket.CreateAsync(emulator, "presigned-get");
        var content = S3TestBucket.Content(14);
        await bucket.S3.PutObjectAsync(bucket.Put("alice/read.jpg", content), S3TestBucket.Timeout);
        // make run's credentials (Aws__AccessKeyId=local, secret local).
        using var local = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("local", "local"),
            new AmazonS3Config { ServiceURL = emulator.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = AwsEmulatorFixture.Region });
        var url = await local.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket.Name, Key = "alice/read.jpg", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });

        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(new Uri(url), S3TestBucket.Timeout));
    }

    private static Task<string> PresignPutAsync(IAmazonS3 s3, string bucket, string key, TimeSpan lifetime, string contentType) =>
        s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = key,
            Verb = HttpVerb.PUT,
            Expires = DateTime.UtcNow.Add(lifetime),
            ContentType = contentType,
            // The emulator speaks plain HTTP; the presigner's default is HTTPS.
            Protocol = Protocol.HTTP,
        });

    private static async Task<HttpResponseMessage> PutAsync(string url, byte[] content, string? contentType)
    {
        using var http = new HttpClient();
        var body = new ByteArrayContent(content);
        if (contentType is not null) body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(url)) { Content = body };
        return await http.SendAsync(request, S3TestBucket.Timeout);
    }

    private static async Task AssertSignatureDoesNotMatchAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", body, StringComparison.Ordinal);
    }
}
