using Amazon.SQS;
using ImageRec.Common.Contracts;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.WebTier.Submission;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// The web tier's reply queue on the emulator: a worker's reply reaches every request waiting for that job, also
/// after a receive SQS refused for good.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class ReplyQueueTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();
    private ReplyQueue _replies = null!;

    public async Task InitializeAsync()
    {
        _replies = new ReplyQueue(_sqs, Options.Create(new ReplyQueueOptions { Prefix = AwsEmulatorFixture.UniqueName("replies") + "-" }),
            NullLogger<ReplyQueue>.Instance);
        await _replies.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _replies.StopAsync(CancellationToken.None);
        _replies.Dispose();
    }

    private Task SendReplyAsync(string jobId) => _sqs.SendMessageAsync(_replies.Url,
        ContractSerializer.Serialize(new RecognitionResult { Id = jobId, Owner = "tester", Status = JobStatus.Succeeded }),
        CancellationToken.None);

    [Fact]
    public async Task A_reply_reaches_every_request_waiting_for_the_job()
    {
        var jobId = Guid.NewGuid().ToString();
        using var first = _replies.Register(jobId);
        using var second = _replies.Register(jobId);

        await SendReplyAsync(jobId);

        Assert.Equal(jobId, (await first.Reply.WaitAsync(ReplyTimeout)).Id);
        Assert.Equal(jobId, (await second.Reply.WaitAsync(ReplyTimeout)).Id);
    }

    [Fact]
    public async Task A_receive_refused_for_good_does_not_end_the_loop_and_a_later_reply_still_arrives()
    {
        // SQS refuses the first ReceiveMessage as it refuses a role without sqs:ReceiveMessage; the rest pass.
        await using var proxy = await FaultProxy.FailingFirstAsync(emulator.ServiceUrl,
            request => AwsErrorResponses.IsSqsAction(request, "ReceiveMessage"), AwsErrorResponses.WriteAccessDeniedAsync);
        await using var throughProxy = AwsClients.For(proxy.Address);
        using var replies = new ReplyQueue(throughProxy.GetRequiredService<IAmazonSQS>(),
            Options.Create(new ReplyQueueOptions { Prefix = AwsEmulatorFixture.UniqueName("replies") + "-" }), NullLogger<ReplyQueue>.Instance);
        await replies.StartAsync(CancellationToken.None);
        try
        {
            var jobId = Guid.NewGuid().ToString();
            using var waiting = replies.Register(jobId);
            await _sqs.SendMessageAsync(replies.Url,
                ContractSerializer.Serialize(new RecognitionResult { Id = jobId, Owner = "tester", Status = JobStatus.Succeeded }), CancellationToken.None);

            // The reply, or the loop's end (bounded either way).
            var loop = replies.ExecuteTask!;
            await Task.WhenAny(waiting.Reply, loop).WaitAsync(ReplyTimeout);
            Assert.False(loop.IsCompleted, "the reply queue's loop ended");
            Assert.Equal(jobId, (await waiting.Reply.WaitAsync(ReplyTimeout)).Id);
            Assert.Equal(1, proxy.Faulted);
        }
        finally
        {
            await replies.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task One_request_giving_up_leaves_the_others_waiting()
    {
        var jobId = Guid.NewGuid().ToString();
        var first = _replies.Register(jobId);
        using var second = _replies.Register(jobId);
        first.Dispose();
        first.Dispose(); // twice: still only one registration gone

        await SendReplyAsync(jobId);

        Assert.Equal(jobId, (await second.Reply.WaitAsync(ReplyTimeout)).Id);
    }
}
