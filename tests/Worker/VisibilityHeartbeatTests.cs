using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.Worker.Processing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.Worker;

/// <summary>A message being worked on stays invisible past its timeout while the heartbeat runs, and comes back after it stops.</summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class VisibilityHeartbeatTests(AwsEmulatorFixture emulator)
{
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();

    private Task<IReadOnlyList<Message>> ReceiveAsync(string url) => _sqs.ReceiveAsync(url, max: 1, visibilityTimeout: 1);

    [Fact]
    public async Task Held_messages_stay_invisible_while_the_heartbeat_runs_and_return_after()
    {
        var url = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("heartbeat"));
        await _sqs.SendMessageAsync(url, "long job", CancellationToken.None);
        var held = Assert.Single(await ReceiveAsync(url));

        await using (new VisibilityHeartbeat(_sqs, url, [held.ReceiptHandle], TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance))
        {
            // Three visibility timeouts later another receiver still gets nothing.
            for (var i = 0; i < 6; i++)
            {
                await Task.Delay(500);
                Assert.Empty(await ReceiveAsync(url));
            }
        }

        // Without the heartbeat the timeout runs out and the message is redelivered.
        await Task.Delay(1500);
        Assert.Equal("long job", Assert.Single(await ReceiveAsync(url)).Body);
    }

    [Fact]
    public async Task A_whole_batch_stays_invisible_when_every_sqs_call_is_slow()
    {
        var url = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("heartbeat"));
        await _sqs.SendAllAsync(url, [.. Enumerable.Range(0, 10).Select(i => $"job {i}")]);
        var held = await _sqs.ReceiveAsync(url, visibilityTimeout: 3);
        Assert.Equal(10, held.Count);

        // Each extension takes 0.6 s: ten of them in a row would take 6 s, past the 3 s timeout.
        await using var proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        proxy.Latency = TimeSpan.FromMilliseconds(600);
        proxy.Mode = FaultMode.Latency;
        await using var slow = AwsClients.For(proxy.Address);
        await using (new VisibilityHeartbeat(slow.GetRequiredService<IAmazonSQS>(), url, held.Select(m => m.ReceiptHandle).ToArray(),
            TimeSpan.FromSeconds(3), TimeProvider.System, NullLogger.Instance))
        {
            for (var i = 0; i < 12; i++)
            {
                await Task.Delay(500);
                Assert.Empty(await ReceiveAsync(url));
            }
        }
    }
}
