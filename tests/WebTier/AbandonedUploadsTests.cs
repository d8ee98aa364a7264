using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Configuration;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.Common.Aws;
using ImageRec.WebTier;
using ImageRec.WebTier.Submission;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// The background removal of failed uploads' images against the real emulator, with a fault proxy in between: an
/// image S3 refuses to delete for good (403 AccessDenied) is given up at once, logged, and the loop goes on to the
/// next one instead of ending (which would stop the web tier).
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class AbandonedUploadsTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private const string Owner = "user-abandoned";
    private readonly IAmazonS3 _directS3 = emulator.CreateS3Client();
    private readonly StorageOptions _storage = new() { InputBucket = AwsEmulatorFixture.UniqueName("input"), ResultBucket = AwsEmulatorFixture.UniqueName("results") };
    private readonly RecordingLogger _log = new();
    private FaultProxy _proxy = null!;
    private ServiceProvider _services = null!;
    private AbandonedUploads _abandoned = null!;

    public async Task InitializeAsync()
    {
        await _directS3.PutBucketAsync(_storage.InputBucket);
        await _directS3.PutBucketAsync(_storage.ResultBucket);
        var table = await IndexTable.CreateAsync(emulator.ServiceUrl, AwsEmulatorFixture.UniqueName("index"));
        _proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        _services = WebTierServices.For(_proxy.Address, new Dictionary<string, string?>
            {
                ["Storage:InputBucket"] = _storage.InputBucket,
                ["Storage:ResultBucket"] = _storage.ResultBucket,
                ["Index:TableName"] = table,
            })
            .AddSingleton<ILoggerFactory>(new RecordingLoggerFactory(_log))
            // Without the SDK's retries: the loop's own handling is under test.
            .AddSingleton<IAmazonS3>(AwsClients.S3WithoutRetries(_proxy.Address))
            .BuildServiceProvider();
        _abandoned = _services.GetRequiredService<AbandonedUploads>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private async Task<string> StoreImageAsync()
    {
        var id = Guid.CreateVersion7().ToString();
        await _directS3.PutObjectAsync(new PutObjectRequest { BucketName = _storage.InputBucket, Key = StorageOptions.InputKey(Owner, id), ContentBody = "image" });
        return id;
    }

    private async Task<bool> StoredAsync(string id) =>
        (await _directS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _storage.InputBucket, Prefix = StorageOptions.InputKey(Owner, id) })).S3Objects is { Count: > 0 };

    [Fact]
    public async Task An_image_S3_refuses_to_delete_for_good_is_given_up_at_once_and_the_next_one_is_removed()
    {
        var refused = await StoreImageAsync();
        var next = await StoreImageAsync();
        _proxy.Targets = request => HttpMethods.IsDelete(request.Method) && request.Path.Value!.Contains(refused, StringComparison.Ordinal);
        _proxy.ErrorResponse = AwsErrorResponses.WriteAccessDeniedAsync;
        _proxy.Mode = FaultMode.Errors;

        await _abandoned.StartAsync(CancellationToken.None);
        _abandoned.Discard(Owner, refused);
        _abandoned.Discard(Owner, next);
        // Until the next image is gone, or the loop ends (bounded either way).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await StoredAsync(next) && !_abandoned.ExecuteTask!.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
        var ended = _abandoned.ExecuteTask!.IsCompleted;
        var endedBy = _abandoned.ExecuteTask.Exception?.InnerException;
        await _abandoned.StopAsync(CancellationToken.None);

        // Unhandled, the refusal would have ended the loop, and with it the web tier (BackgroundServiceExceptionBehavior.StopHost).
        Assert.False(ended, $"the removal loop ended: {endedBy?.GetType().Name} {endedBy?.Message}");
        Assert.False(await StoredAsync(next));
        Assert.True(await StoredAsync(refused));
        // Refused for good: one attempt, no backoff and retries.
        Assert.Equal(1, _proxy.Faulted);
        var error = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal("AccessDenied", error.Values["ErrorCode"]);
        Assert.Equal(refused, error.Values["Id"]);
    }
}
