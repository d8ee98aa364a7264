using Amazon.S3;
using ImageRec.Common.Aws.S3;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Aws;

/// <summary>
/// <see cref="S3CreateOnlyPut"/> against the emulator over HTTP: one write of a key creates it, the others hear it
/// exists; a lost answer does not turn the writer's own object into someone else's; a 409 is reported as a conflict.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class S3CreateOnlyPutTests(AwsEmulatorFixture emulator)
{
    [Fact]
    public async Task A_second_create_only_put_of_a_key_gets_AlreadyExists_and_writes_nothing()
    {
        var bucket = await S3TestBucket.CreateAsync(emulator, "create-only");
        Assert.Equal(CreateOnlyPutResult.Created, await bucket.S3.PutIfAbsentAsync(bucket.Put("photo", S3TestBucket.Content(1)), S3TestBucket.Timeout));

        Assert.Equal(CreateOnlyPutResult.AlreadyExists, await bucket.S3.PutIfAbsentAsync(bucket.Put("photo", S3TestBucket.Content(2)), S3TestBucket.Timeout));

        Assert.Equal(S3TestBucket.Content(1), await bucket.StoredAsync("photo"));
    }

    [Fact]
    public async Task Of_many_concurrent_create_only_puts_of_one_key_exactly_one_stores_its_object()
    {
        var bucket = await S3TestBucket.CreateAsync(emulator, "create-only");
        const int writers = 32;
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i =>
            Task.Run(() => bucket.S3.PutIfAbsentAsync(bucket.Put("contended", S3TestBucket.Content(i)), S3TestBucket.Timeout))));

        var created = Assert.Single(Enumerable.Range(0, writers), i => results[i] == CreateOnlyPutResult.Created);
        Assert.Equal(writers - 1, results.Count(r => r == CreateOnlyPutResult.AlreadyExists));
        Assert.Equal(S3TestBucket.Content(created), await bucket.StoredAsync("contended"));
    }

    [Fact]
    public async Task A_create_only_put_whose_answer_was_lost_is_Created_when_the_SDKs_retry_finds_its_own_object()
    {
        var bucket = await S3TestBucket.CreateAsync(emulator, "create-only");
        await using var proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        // The services' own client, with the SDK's retries. Of the first two PUTs the proxy drops the first before
        // it reaches the emulator and the second after the emulator stored the object: the third gets 412.
        using var clients = AwsClients.For(proxy.Address);
        var puts = 0;
        proxy.Targets = request => HttpMethods.IsPut(request.Method) && Interlocked.Increment(ref puts) <= 2;
        proxy.Mode = FaultMode.Drop;

        var result = await clients.GetRequiredService<IAmazonS3>().PutIfAbsentAsync(bucket.Put("lost-answer", S3TestBucket.Content(6)), S3TestBucket.Timeout);

        Assert.Equal(2, proxy.Faulted);
        Assert.Equal(3, Volatile.Read(ref puts));
        Assert.Equal(CreateOnlyPutResult.Created, result);
        Assert.Equal(S3TestBucket.Content(6), await bucket.StoredAsync("lost-answer"));
    }

    [Fact]
    public async Task A_create_only_put_racing_another_write_of_its_key_gets_Conflict()
    {
        var bucket = await S3TestBucket.CreateAsync(emulator, "create-only");
        await using var proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        using var clients = AwsClients.For(proxy.Address);
        proxy.Targets = request => HttpMethods.IsPut(request.Method);
        proxy.Mode = FaultMode.ConditionalConflict;

        var result = await clients.GetRequiredService<IAmazonS3>().PutIfAbsentAsync(bucket.Put("conflicted", S3TestBucket.Content(7)), S3TestBucket.Timeout);

        Assert.Equal(CreateOnlyPutResult.Conflict, result);
        Assert.Equal(1, proxy.Faulted);
        Assert.False(await bucket.ExistsAsync("conflicted"));
    }
}
