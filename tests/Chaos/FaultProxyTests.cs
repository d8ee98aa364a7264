using System.Diagnostics;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws;
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
    private readonly IAmazonSQS _direct = emulator.CreateSqsClient();
    private readonly IAmazonS3 _directS3 = emulator.CreateS3Client();
    private FaultProxy _proxy = null!;
    private ServiceProvider _clients = null!;
    private AmazonSQSClient _sqsOnce = null!;
    private string _queue = "";
    private string _bucket = "";

    /// <summary>
    /// The services' SQS client settings without their retries: each fault reaches the test as one attempt sees it
    /// (with them, a dropped SendMessage would be sent again, which is the point of the proxy's figures elsewhere).
    /// </summary>
    private IAmazonSQS Sqs => _sqsOnce;
    private IAmazonS3 S3 => _clients.GetRequiredService<IAmazonS3>();

    public async Task InitializeAsync()
    {
        _proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        _clients = AwsClients.For(_proxy.Address);
        var config = new AmazonSQSConfig { ServiceURL = _proxy.Address.ToString(), AuthenticationRegion = "us-east-1" };
        AwsServiceCollectionExtensions.ConfigureSqs(config);
        config.MaxErrorRetry = 0;
        _sqsOnce = new AmazonSQSClient(new BasicAWSCredentials("local", "local"), config);
        _queue = await _direct.NewQueueAsync(AwsEmulatorFixture.UniqueName("proxy"));
        _bucket = AwsEmulatorFixture.UniqueName("proxy");
        await _directS3.PutBucketAsync(_bucket);
    }

    public async Task DisposeAsync()
    {
        _sqsOnce.Dispose();
        await _clients.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private Task<long> MessagesAsync() => _direct.CountAsync(_queue, QueueAttributeName.ApproximateNumberOfMessages);

    [Fact]
    public async Task Pass_through_forwards_sqs_and_s3_unchanged()
    {
        await Sqs.SendMessageAsync(_queue, "through the proxy", CancellationToken.None);
        var received = await Sqs.ReceiveAsync(_queue, max: 1, waitSeconds: 1);
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

        var sqs = await Assert.ThrowsAsync<AmazonSQSException>(() => Sqs.SendMessageAsync(_queue, "refused", CancellationToken.None));
        Assert.Equal("ServiceUnavailable", sqs.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, sqs.StatusCode);
        Assert.True(TransientAwsErrors.IsTransient(sqs, CancellationToken.None));

        // The services' S3 client, without its retries (they would only repeat the same answer, with backoff).
        using var once = AwsClients.S3WithoutRetries(_proxy.Address);
        var s3 = await Assert.ThrowsAsync<AmazonS3Exception>(() => once.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "refused", ContentBody = "x" }));
        Assert.Equal("SlowDown", s3.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, s3.StatusCode);
        Assert.True(TransientAwsErrors.IsTransient(s3, CancellationToken.None));

        Assert.Equal(0, await MessagesAsync());
        await Assert.ThrowsAsync<AmazonS3Exception>(() => _directS3.GetObjectMetadataAsync(_bucket, "refused"));
    }

    [Fact]
    public async Task Latency_delays_each_request_and_then_answers_it()
    {
        _proxy.Latency = TimeSpan.FromMilliseconds(700);
        _proxy.Mode = FaultMode.Latency;

        var clock = Stopwatch.StartNew();
        await Sqs.SendMessageAsync(_queue, "late", CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(700), $"answered after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(1, await MessagesAsync());
    }

    [Fact]
    public async Task Drops_cut_the_connection_before_the_request_arrives_then_after_it_took_effect()
    {
        _proxy.Mode = FaultMode.Drop;

        // Mid-request: the emulator never sees it.
        var before = await Assert.ThrowsAnyAsync<Exception>(() => Sqs.SendMessageAsync(_queue, "lost", CancellationToken.None));
        Assert.True(TransientAwsErrors.IsTransient(before, CancellationToken.None), before.ToString());
        Assert.Equal(0, await MessagesAsync());

        // Mid-response: the client sees the same kind of failure, but the message was sent.
        var after = await Assert.ThrowsAnyAsync<Exception>(() => Sqs.SendMessageAsync(_queue, "sent anyway", CancellationToken.None));
        Assert.True(TransientAwsErrors.IsTransient(after, CancellationToken.None), after.ToString());
        Assert.Equal(1, await MessagesAsync());
        Assert.Equal(2, _proxy.Faulted);
    }

    [Fact]
    public async Task Targets_limit_the_fault_to_the_requests_picked()
    {
        _proxy.Targets = AwsErrorResponses.IsSqs;
        _proxy.Mode = FaultMode.Errors;

        await S3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "still-works", ContentBody = "x" });
        await Assert.ThrowsAsync<AmazonSQSException>(() => Sqs.SendMessageAsync(_queue, "refused", CancellationToken.None));
        Assert.Equal(1, _proxy.Faulted);
    }
}
