using System.Globalization;
using System.Net;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Aws;

/// <summary>Every <see cref="ISqsClient"/> operation against the real emulator over HTTP.</summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class SqsClientIntegrationTests(AwsEmulatorFixture emulator)
{
    private static readonly SqsReceiveOptions NoWait = new() { MaxNumberOfMessages = 10, WaitTimeSeconds = 0 };

    private readonly ISqsClient _sqs = emulator.CreateSqsClient();

    private static CancellationToken TestTimeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task CreateQueue_GetQueueUrl_and_DeleteQueue_round_trip()
    {
        var ct = TestTimeout;
        var name = AwsEmulatorFixture.UniqueName("lifecycle");

        var created = await _sqs.CreateQueueAsync(name, new Dictionary<string, string> { [SqsQueueAttributeNames.VisibilityTimeout] = "45" }, ct);
        var again = await _sqs.CreateQueueAsync(name, null, ct);
        var found = await _sqs.GetQueueUrlAsync(name, ct);
        var attributes = await _sqs.GetQueueAttributesAsync(created, [SqsQueueAttributeNames.VisibilityTimeout], ct);

        Assert.EndsWith("/" + name, created);
        Assert.Equal(created, again);
        Assert.Equal(created, found);
        Assert.Equal("45", attributes[SqsQueueAttributeNames.VisibilityTimeout]);

        await _sqs.DeleteQueueAsync(created, ct);
        await Assert.ThrowsAsync<SqsQueueDoesNotExistException>(() => _sqs.GetQueueUrlAsync(name, ct));
        await Assert.ThrowsAsync<SqsQueueDoesNotExistException>(() => _sqs.SendMessageAsync(created, "x", null, ct));
    }

    [Fact]
    public async Task GetQueueUrl_of_a_missing_queue_throws_QueueDoesNotExist()
    {
        var error = await Assert.ThrowsAsync<SqsQueueDoesNotExistException>(
            () => _sqs.GetQueueUrlAsync(AwsEmulatorFixture.UniqueName("missing"), TestTimeout));

        Assert.Equal(SqsErrorCodes.QueueDoesNotExist, error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Equal(SqsErrorCodes.LegacyQueueDoesNotExist, error.QueryErrorCode);
    }

    [Fact]
    public async Task Invalid_parameters_surface_as_a_non_transient_SqsException()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("invalid", ct);

        var error = await Assert.ThrowsAsync<SqsException>(
            () => _sqs.ReceiveMessagesAsync(queue, new SqsReceiveOptions { MaxNumberOfMessages = 11 }, ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Contains("MaxNumberOfMessages", error.ErrorMessage);
    }

    [Fact]
    public async Task Send_receive_and_delete_a_message_with_system_attributes()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("basic", ct);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        const string body = "{\"jobId\":\"42\",\"text\":\"h\u00e9llo \u2603\"}";

        var sent = await _sqs.SendMessageAsync(queue, body, null, ct);
        var received = await _sqs.ReceiveMessagesAsync(queue, new SqsReceiveOptions
        {
            MaxNumberOfMessages = 10,
            MessageSystemAttributeNames = [SqsMessageSystemAttributeNames.ApproximateReceiveCount, SqsMessageSystemAttributeNames.SentTimestamp],
        }, ct);

        var message = Assert.Single(received);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal(body, message.Body);
        Assert.False(string.IsNullOrEmpty(message.ReceiptHandle));
        Assert.Equal(1, message.ApproximateReceiveCount);
        Assert.InRange(message.SentTimestamp!.Value, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(body))), sent.MD5OfMessageBody);

        await _sqs.DeleteMessageAsync(queue, message.ReceiptHandle, ct);
        Assert.Equal(0, await CountAsync(queue, SqsQueueAttributeNames.ApproximateNumberOfMessages, ct));
        Assert.Equal(0, await CountAsync(queue, SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible, ct));
    }

    [Fact]
    public async Task Long_poll_returns_as_soon_as_a_message_is_sent()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("longpoll", ct);

        var receive = _sqs.ReceiveMessagesAsync(queue, new SqsReceiveOptions { WaitTimeSeconds = 15 }, ct);
        await Task.Delay(300, ct);
        Assert.False(receive.IsCompleted, "the long poll should still be waiting for a message");
        await Task.Run(() => _sqs.SendMessageAsync(queue, "wake up", null, ct), ct);

        var message = Assert.Single(await receive);
        Assert.Equal("wake up", message.Body);
    }

    [Fact]
    public async Task Empty_long_poll_returns_no_messages_after_the_wait()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("emptypoll", ct);

        var messages = await _sqs.ReceiveMessagesAsync(queue, new SqsReceiveOptions { WaitTimeSeconds = 1 }, ct);

        Assert.Empty(messages);
    }

    [Fact]
    public async Task Received_message_is_invisible_until_its_visibility_timeout_expires()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("visibility", ct);
        await _sqs.SendMessageAsync(queue, "once more", null, ct);
        var receiveCount = new SqsReceiveOptions
        {
            MaxNumberOfMessages = 10,
            WaitTimeSeconds = 0,
            MessageSystemAttributeNames = [SqsMessageSystemAttributeNames.ApproximateReceiveCount],
        };

        var first = Assert.Single(await _sqs.ReceiveMessagesAsync(queue, receiveCount with { VisibilityTimeout = 1 }, ct));
        Assert.Empty(await _sqs.ReceiveMessagesAsync(queue, receiveCount, ct));
        Assert.Equal(1, await CountAsync(queue, SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible, ct));

        var again = await ReceiveUntilAsync(queue, receiveCount, ct);

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.ApproximateReceiveCount);
    }

    [Fact]
    public async Task ChangeMessageVisibility_to_zero_makes_the_message_visible_at_once()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("changevis", ct);
        await _sqs.SendMessageAsync(queue, "release me", null, ct);

        var first = Assert.Single(await _sqs.ReceiveMessagesAsync(queue, NoWait with { VisibilityTimeout = 300 }, ct));
        Assert.Empty(await _sqs.ReceiveMessagesAsync(queue, NoWait, ct));
        await _sqs.ChangeMessageVisibilityAsync(queue, first.ReceiptHandle, 0, ct);
        var again = Assert.Single(await _sqs.ReceiveMessagesAsync(queue, NoWait, ct));

        Assert.Equal(first.MessageId, again.MessageId);
    }

    [Fact]
    public async Task Batch_send_reports_partial_failures_and_batch_delete_removes_messages()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("batch", ct);

        var sent = await _sqs.SendMessageBatchAsync(queue,
        [
            new SqsSendBatchEntry("a", "first"),
            new SqsSendBatchEntry("b", "second"),
            new SqsSendBatchEntry("c", "third"),
            // U+0001 is not a character SQS accepts in a message body.
            new SqsSendBatchEntry("bad", "control \u0001 character"),
        ], ct);

        Assert.Equal(["a", "b", "c"], sent.Successful.Select(s => s.Id).Order());
        Assert.All(sent.Successful, s => Assert.False(string.IsNullOrEmpty(s.MessageId)));
        var failure = Assert.Single(sent.Failed);
        Assert.Equal("bad", failure.Id);
        Assert.Equal("InvalidMessageContents", failure.Code);
        Assert.True(failure.SenderFault);
        Assert.True(sent.HasFailures);

        var received = new List<SqsMessage>();
        while (received.Count < 3)
        {
            received.AddRange(await _sqs.ReceiveMessagesAsync(queue, NoWait with { WaitTimeSeconds = 1 }, ct));
        }
        Assert.Equal(["first", "second", "third"], received.Select(m => m.Body).Order());

        var deleted = await _sqs.DeleteMessageBatchAsync(queue,
            received.Select((m, i) => new SqsDeleteBatchEntry("m" + i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle)).ToList(), ct);

        Assert.Equal(3, deleted.Successful.Count);
        Assert.Empty(deleted.Failed);
        Assert.Equal(0, await CountAsync(queue, SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible, ct));
    }

    [Fact]
    public async Task Batch_with_duplicate_ids_is_rejected_as_a_whole()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("batchdup", ct);

        var error = await Assert.ThrowsAsync<SqsException>(() => _sqs.SendMessageBatchAsync(queue,
            [new SqsSendBatchEntry("same", "1"), new SqsSendBatchEntry("same", "2")], ct));

        Assert.Equal("BatchEntryIdsNotDistinct", error.ErrorCode);
    }

    [Fact]
    public async Task Message_received_more_than_maxReceiveCount_times_moves_to_the_dead_letter_queue()
    {
        var ct = TestTimeout;
        var deadLetterQueue = await CreateQueueAsync("dlq", ct);
        var deadLetterArn = (await _sqs.GetQueueAttributesAsync(deadLetterQueue, [SqsQueueAttributeNames.QueueArn], ct))[SqsQueueAttributeNames.QueueArn];
        var queue = await _sqs.CreateQueueAsync(AwsEmulatorFixture.UniqueName("redrive"), new Dictionary<string, string>
        {
            [SqsQueueAttributeNames.RedrivePolicy] = SqsRedrivePolicy.Create(deadLetterArn, maxReceiveCount: 2),
        }, ct);
        var sent = await _sqs.SendMessageAsync(queue, "poison", null, ct);

        // Two receives without a delete; visibility 0 hands the message straight back.
        for (var i = 0; i < 2; i++)
        {
            Assert.Single(await _sqs.ReceiveMessagesAsync(queue, NoWait with { VisibilityTimeout = 0 }, ct));
        }
        // The third receive finds it over the limit and redrives it instead of returning it.
        Assert.Empty(await _sqs.ReceiveMessagesAsync(queue, NoWait, ct));

        var deadLettered = Assert.Single(await _sqs.ReceiveMessagesAsync(deadLetterQueue, NoWait, ct));
        Assert.Equal(sent.MessageId, deadLettered.MessageId);
        Assert.Equal("poison", deadLettered.Body);
    }

    [Fact]
    public async Task GetQueueAttributes_reports_visible_in_flight_and_delayed_counts()
    {
        var ct = TestTimeout;
        var queue = await CreateQueueAsync("counts", ct);
        await _sqs.SendMessageAsync(queue, "in flight", null, ct);
        await _sqs.SendMessageAsync(queue, "delayed", delaySeconds: 60, ct);
        Assert.Single(await _sqs.ReceiveMessagesAsync(queue, NoWait with { VisibilityTimeout = 60 }, ct));
        await _sqs.SendMessageAsync(queue, "waiting", null, ct);

        var attributes = await _sqs.GetQueueAttributesAsync(queue, [SqsQueueAttributeNames.All], ct);

        Assert.Equal("1", attributes[SqsQueueAttributeNames.ApproximateNumberOfMessages]);
        Assert.Equal("1", attributes[SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible]);
        Assert.Equal("1", attributes[SqsQueueAttributeNames.ApproximateNumberOfMessagesDelayed]);
        Assert.StartsWith("arn:aws:sqs:us-east-1:", attributes[SqsQueueAttributeNames.QueueArn]);
    }

    private async Task<string> CreateQueueAsync(string prefix, CancellationToken ct) =>
        await _sqs.CreateQueueAsync(AwsEmulatorFixture.UniqueName(prefix), null, ct);

    private async Task<int> CountAsync(string queue, string attribute, CancellationToken ct) =>
        int.Parse((await _sqs.GetQueueAttributesAsync(queue, [attribute], ct))[attribute], CultureInfo.InvariantCulture);

    private async Task<SqsMessage> ReceiveUntilAsync(string queue, SqsReceiveOptions options, CancellationToken ct)
    {
        while (true)
        {
            var messages = await _sqs.ReceiveMessagesAsync(queue, options, ct);
            if (messages.Count > 0)
            {
                return Assert.Single(messages);
            }
            await Task.Delay(100, ct);
        }
    }
}
