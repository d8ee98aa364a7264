using Amazon.SQS;
using ImageRec.Common.Contracts;
using ImageRec.Tests.Infrastructure;
using ImageRec.WebTier.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.WebTier;

/// <summary>The web tier's reply queue on the emulator: a worker's reply reaches every request waiting for that job.</summary>
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
