using ImageRec.Common.Aws.Sqs;
using ImageRec.Tests.Infrastructure;
using ImageRec.Worker.Processing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.Worker;

/// <summary>A message being worked on stays invisible past its timeout while the heartbeat runs, and comes back after it stops.</summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class VisibilityHeartbeatTests(AwsEmulatorFixture emulator)
{
    private readonly ISqsClient _sqs = emulator.CreateSqsClient();

    private Task<IReadOnlyList<SqsMessage>> ReceiveAsync(string url) =>
        _sqs.ReceiveMessagesAsync(url, new SqsReceiveOptions { MaxNumberOfMessages = 1, WaitTimeSeconds = 0, VisibilityTimeout = 1 }, CancellationToken.None);

    [Fact]
    public async Task Held_messages_stay_invisible_while_the_heartbeat_runs_and_return_after()
    {
        var url = await _sqs.CreateQueueAsync(AwsEmulatorFixture.UniqueName("heartbeat"), null, CancellationToken.None);
        await _sqs.SendMessageAsync(url, "long job", null, CancellationToken.None);
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
}
