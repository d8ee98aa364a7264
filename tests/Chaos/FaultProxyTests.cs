using System.Diagnostics;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Chaos;

/// <summary>
/// The fault proxy itself, between the services' real SQS and S3 clients and the real emulator: it
/// forwards faithfully, and each fault looks to the clients the way the real failure would.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class FaultProxyTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private readonly ISqsClient _direct = emulator.CreateSqsClient();
    private readonly IAmazonS3 _directS3 = emulator.CreateS3Client();
    private FaultProxy _proxy = null!;
    private ServiceProvider _clients = null!;
    private string _queue = "";
    private string _bucket = "";

    private ISqsClient Sqs => _clients.GetRequiredService<ISqsClient>();
    private IAmazonS3 S3 => _clients.GetRequiredService<IAmazonS3>();

    public async Task InitializeAsync()
    {
        _proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        _clients = AwsClients.For(_proxy.Address);
        _queue = await _direct.CreateQueueAsync(AwsEmulatorFixture.UniqueName("proxy"), null, CancellationToken.None);
        _bucket = AwsEmulatorFixture.UniqueName("proxy");
        await _directS3.PutBucketAsync(_bucket);
    }

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private async Task<long> MessagesAsync() => long.Parse((await _direct.GetQueueAttributesAsync(_queue,
        [SqsQueueAttributeNames.ApproximateNumberOfMessages], CancellationToken.None))[SqsQueueAttributeNames.ApproximateNumberOfMessages]);

    [Fact]
    public async Task Pass_through_forwards_sqs_and_s3_unchanged()
    {
        await Sqs.SendMessageAsync(_queue, "through the proxy", null, CancellationToken.None);
        var received = await Sqs.ReceiveMessagesAsync(_queue, new SqsReceiveOptions { WaitTimeSeconds = 1 }, CancellationToken.None);
        Assert.Equal("through the proxy", Assert.Single(received).Body);

        var bytes = File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_00.jpg"));
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "image", InputStream = new MemoryStream(bytes), UseChunkEncoding = false });
        using var stored = await S3.GetObjectAsync(_bucket, "image");
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(_bucket, "absent"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(_proxy.Forwarded >= 5);
        Assert.Equal(0, _proxy.Faulted);
    }

    [Fact]
    public async Task Errors_look_like_sqs_service_unavailable_and_s3_slow_down_and_reach_nothing()
    {
        _proxy.Mode = FaultMode.Errors;

        var sqs = await Assert.ThrowsAsync<SqsException>(() => Sqs.SendMessageAsync(_queue, "refused", null, CancellationToken.None));
        Assert.Equal("ServiceUnavailable", sqs.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, sqs.StatusCode);
        Assert.True(sqs.IsTransient);

        // The services' S3 client, without its retries (they would only repeat the same answer, with backoff).
        using var once = new AmazonS3Client(new BasicAWSCredentials("local", "local"),
            new AmazonS3Config { ServiceURL = _proxy.Address.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var s3 = await Assert.ThrowsAsync<AmazonS3Exception>(() => once.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "refused", ContentBody = "x" }));
        Assert.Equal("SlowDown", s3.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, s3.StatusCode);

        Assert.Equal(0, await MessagesAsync());
        await Assert.ThrowsAsync<AmazonS3Exception>(() => _directS3.GetObjectMetadataAsync(_bucket, "refused"));
    }

    [Fact]
    public async Task Latency_delays_each_request_and_then_answers_it()
    {
        _proxy.Latency = TimeSpan.FromMilliseconds(700);
        _proxy.Mode = FaultMode.Latency;

        var clock = Stopwatch.StartNew();
        await Sqs.SendMessageAsync(_queue, "late", null, CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(700), $"answered after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(1, await MessagesAsync());
    }

    [Fact]
    public async Task Drops_cut_the_connection_before_the_request_arrives_then_after_it_took_effect()
    {
        _proxy.Mode = FaultMode.Drop;

        // Mid-request: the emulator never sees it.
        var before = await Assert.ThrowsAsync<SqsException>(() => Sqs.SendMessageAsync(_queue, "lost", null, CancellationToken.None));
        Assert.Equal(SqsErrorCodes.NetworkError, before.ErrorCode);
        Assert.Equal(0, await MessagesAsync());

        // Mid-response: the client sees the same failure, but the message was sent.
        var after = await Assert.ThrowsAsync<SqsException>(() => Sqs.SendMessageAsync(_queue, "sent anyway", null, CancellationToken.None));
        Assert.Equal(SqsErrorCodes.NetworkError, after.ErrorCode);
        Assert.Equal(1, await MessagesAsync());
        Assert.Equal(2, _proxy.Faulted);
    }

    [Fact]
    public async Task Targets_limit_the_fault_to_the_requests_picked()
    {
        _proxy.Targets = AwsErrorResponses.IsSqs;
        _proxy.Mode = FaultMode.Errors;

        await S3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "still-works", ContentBody = "x" });
        await Assert.ThrowsAsync<SqsException>(() => Sqs.SendMessageAsync(_queue, "refused", null, CancellationToken.None));
        Assert.Equal(1, _proxy.Faulted);
    }
}
