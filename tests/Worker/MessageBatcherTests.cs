using Amazon.SQS;
using ImageRec.Tests.Infrastructure;
using ImageRec.Worker.Processing;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Worker;

/// <summary>Dynamic batching across SQS receives, against the real emulator.</summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class MessageBatcherTests(AwsEmulatorFixture emulator)
{
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();

    private async Task<string> QueueWithAsync(int messages)
    {
        var url = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("batch"));
        await _sqs.SendAllAsync(url, [.. Enumerable.Range(0, messages).Select(i => $"job {i}")]);
        return url;
    }

    private MessageBatcher Batcher(int maxBatchSize, int waitMilliseconds) => new(_sqs, Options.Create(new WorkerOptions
    {
        MaxBatchSize = maxBatchSize, BatchWaitMilliseconds = waitMilliseconds, WaitTimeSeconds = 1,
    }));

    [Fact]
    public async Task Without_a_wait_budget_a_batch_is_what_one_receive_brings()
    {
        var url = await QueueWithAsync(25);
        Assert.Equal(10, (await Batcher(maxBatchSize: 32, waitMilliseconds: 0).ReceiveAsync(url, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task With_a_wait_budget_several_receives_fill_one_batch_up_to_its_size()
    {
        var url = await QueueWithAsync(25);
        var batch = await Batcher(maxBatchSize: 24, waitMilliseconds: 2000).ReceiveAsync(url, CancellationToken.None);
        Assert.Equal(24, batch.Count);
        Assert.Equal(24, batch.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_small_batch_size_caps_the_receive()
    {
        var url = await QueueWithAsync(5);
        Assert.Equal(3, (await Batcher(maxBatchSize: 3, waitMilliseconds: 0).ReceiveAsync(url, CancellationToken.None)).Count);
    }
}
