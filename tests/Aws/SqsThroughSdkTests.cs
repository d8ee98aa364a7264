using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Aws;

/// <summary>
/// Our use of SQS through the SDK client <c>AddImageRecAws</c> registers, against the real emulator over HTTP (and,
/// for answers the emulator never gives, a scripted endpoint): where requests go, long polls, batches and their
/// partial failures, visibility, redrive, queue counters, and how errors surface.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class SqsThroughSdkTests(AwsEmulatorFixture emulator)
{
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();

    private static CancellationToken TestTimeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private Task<string> NewQueueAsync(string prefix, Dictionary<string, string>? attributes = null) =>
        _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName(prefix), attributes);

    [Fact]
    public async Task Calls_go_to_the_configured_endpoint_whatever_host_the_queue_url_names()
    {
        var ct = TestTimeout;
        var name = AwsEmulatorFixture.UniqueName("endpoint");

        var url = await _sqs.NewQueueAsync(name);
        // The emulator names a host nothing listens on; the SDK must still post to ServiceURL.
        Assert.Equal("sqs.us-east-1.localhost", new Uri(url).Host);
        await _sqs.SendMessageAsync(url, "reached", ct);
        Assert.Equal("reached", Assert.Single(await _sqs.ReceiveAsync(url)).Body);
        Assert.Equal(url, (await _sqs.GetQueueUrlAsync(name, ct)).QueueUrl);
        Assert.Equal(url, await _sqs.ResolveQueueUrlAsync(name, ct));
        Assert.Equal(url, await _sqs.ResolveQueueUrlAsync(url, ct));
    }

    [Fact]
    public async Task A_send_whose_connection_keeps_dropping_is_tried_MaxErrorRetry_plus_one_times_and_no_more()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("drops");
        await using var proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        await using var clients = AwsClients.For(proxy.Address);
        var sqs = clients.GetRequiredService<IAmazonSQS>();
        proxy.Mode = FaultMode.Drop;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => sqs.SendMessageAsync(url, "dropped", ct));

        Assert.True(TransientAwsErrors.IsTransient(error, ct), error.ToString());
        // Reset connections count against the one retry limit (no stale-connection retries beside it) ...
        Assert.Equal(AwsServiceCollectionExtensions.SqsMaxErrorRetry + 1, proxy.Faulted);
        // ... and every other drop came after the emulator took the message: the duplicates the worker absorbs.
        Assert.Equal((AwsServiceCollectionExtensions.SqsMaxErrorRetry + 1) / 2, await _sqs.CountAsync(url, QueueAttributeName.ApproximateNumberOfMessages));
    }

    [Fact]
    public async Task A_missing_queue_is_QueueDoesNotExist_and_not_transient()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("deleted");
        await _sqs.DeleteQueueAsync(url, ct);

        var missing = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => _sqs.GetQueueUrlAsync(AwsEmulatorFixture.UniqueName("missing"), ct));
        var deleted = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => _sqs.SendMessageAsync(url, "x", ct));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        // The code the operator reports for a pool whose queue is gone (the SDK takes SQS's query-compatible code).
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", missing.ErrorCode);
        Assert.False(TransientAwsErrors.IsTransient(missing, ct));
        Assert.False(TransientAwsErrors.IsTransient(deleted, ct));
    }

    [Fact]
    public async Task Invalid_parameters_are_a_non_transient_service_error()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("invalid");

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 11 }, ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("MaxNumberOfMessages", error.Message);
        Assert.False(TransientAwsErrors.IsTransient(error, ct));
    }

    [Fact]
    public async Task Send_receive_with_system_attributes_and_delete()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("basic");
        const string body = "{\"jobId\":\"42\",\"text\":\"h\u00e9llo \u2603\"}";

        var sent = await _sqs.SendMessageAsync(url, body, ct);
        var message = Assert.Single(await _sqs.ReceiveAsync(url, withReceiveCount: true));

        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal(body, message.Body);
        Assert.Equal(1, message.ApproximateReceiveCount());
        await _sqs.DeleteMessageAsync(url, message.ReceiptHandle, ct);
        Assert.Equal(0, await _sqs.CountAsync(url, QueueAttributeName.ApproximateNumberOfMessagesNotVisible));
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_a_message_is_sent_and_an_empty_one_brings_an_empty_list()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("longpoll");

        Assert.Empty(await _sqs.ReceiveAsync(url, waitSeconds: 1));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var receive = _sqs.ReceiveAsync(url, waitSeconds: 15);
        await Task.Delay(300, ct);
        Assert.False(receive.IsCompleted, "the long poll should still be waiting for a message");
        await _sqs.SendMessageAsync(url, "wake up", ct);

        Assert.Equal("wake up", Assert.Single(await receive).Body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the poll answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_received_message_returns_after_its_visibility_timeout_or_at_once_when_released()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("visibility");
        await _sqs.SendMessageAsync(url, "once more", ct);

        var first = Assert.Single(await _sqs.ReceiveAsync(url, visibilityTimeout: 1));
        Assert.Empty(await _sqs.ReceiveAsync(url));
        Assert.Equal(1, await _sqs.CountAsync(url, QueueAttributeName.ApproximateNumberOfMessagesNotVisible));
        var again = Assert.Single(await _sqs.ReceiveAsync(url, waitSeconds: 5, withReceiveCount: true, visibilityTimeout: 300));
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.ApproximateReceiveCount());

        // Held for 300 s, then released by the worker (visibility 0): back at once.
        Assert.Empty(await _sqs.ReceiveAsync(url));
        await _sqs.ChangeMessageVisibilityAsync(url, again.ReceiptHandle, 0, ct);
        Assert.Equal(first.MessageId, Assert.Single(await _sqs.ReceiveAsync(url)).MessageId);
    }

    [Fact]
    public async Task A_batch_send_reports_refused_entries_beside_the_sent_ones()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("batch");

        var sent = await _sqs.SendMessageBatchAsync(url,
        [
            new("a", "first"), new("b", "second"), new("c", "third"),
            // U+0001 is not a character SQS accepts in a message body.
            new("bad", "control \u0001 character"),
        ], ct);

        Assert.Equal(["a", "b", "c"], sent.Successful.Select(s => s.Id).Order());
        var failure = Assert.Single(sent.Failed);
        Assert.Equal(("bad", "InvalidMessageContents", true), (failure.Id, failure.Code, failure.SenderFault));
        var received = new List<Message>();
        while (received.Count < 3) received.AddRange(await _sqs.ReceiveAsync(url, waitSeconds: 1));
        Assert.Equal(["first", "second", "third"], received.Select(m => m.Body).Order());
    }

    [Fact]
    public async Task Deleting_many_messages_takes_batches_of_ten_and_empties_the_queue()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("deletemany");
        await _sqs.SendAllAsync(url, [.. Enumerable.Range(0, 23).Select(i => $"job {i}")]);
        var received = new List<Message>();
        while (received.Count < 23) received.AddRange(await _sqs.ReceiveAsync(url, waitSeconds: 1, visibilityTimeout: 60));

        var notDeleted = await _sqs.DeleteMessagesAsync(url, [.. received.Select(m => m.ReceiptHandle)], ct);

        Assert.Empty(notDeleted);
        Assert.Equal(0, await _sqs.CountAsync(url, QueueAttributeName.ApproximateNumberOfMessagesNotVisible));
        Assert.Equal(0, await _sqs.CountAsync(url, QueueAttributeName.ApproximateNumberOfMessages));
    }

    [Fact]
    public async Task Entries_a_batch_delete_refuses_come_back_as_their_receipt_handles_across_batches()
    {
        // The emulator accepts any receipt handle, so the refusals come from a scripted endpoint: in every batch,
        // the entries whose handle starts with "stale" fail.
        await using var endpoint = await FakeSqsEndpoint.StartAsync((action, request) =>
        {
            Assert.Equal("DeleteMessageBatch", action);
            var entries = request.GetProperty("Entries").EnumerateArray()
                .Select(e => (Id: e.GetProperty("Id").GetString()!, Handle: e.GetProperty("ReceiptHandle").GetString()!)).ToArray();
            return (200, JsonSerializer.Serialize(new
            {
                Successful = entries.Where(e => !e.Handle.StartsWith("stale", StringComparison.Ordinal)).Select(e => new { e.Id }),
                Failed = entries.Where(e => e.Handle.StartsWith("stale", StringComparison.Ordinal))
                    .Select(e => new { e.Id, Code = "ReceiptHandleIsInvalid", Message = "expired", SenderFault = true }),
            }));
        });
        using var sqs = endpoint.Client();
        string[] handles = [.. Enumerable.Range(0, 23).Select(i => (i % 7 == 3 ? "stale-" : "live-") + i.ToString(CultureInfo.InvariantCulture))];

        var notDeleted = await sqs.DeleteMessagesAsync("http://sqs.us-east-1.localhost/000000000000/q", handles, TestTimeout);

        Assert.Equal(["stale-3", "stale-10", "stale-17"], notDeleted);
        Assert.Equal(3, endpoint.Requests.Count);
        Assert.All(endpoint.Requests, r => Assert.InRange(r.Request.GetProperty("Entries").GetArrayLength(), 1, 10));
    }

    [Fact]
    public async Task Batch_entries_with_one_id_are_refused_as_a_whole()
    {
        var url = await NewQueueAsync("batchdup");

        await Assert.ThrowsAsync<BatchEntryIdsNotDistinctException>(() => _sqs.SendMessageBatchAsync(url, [new("same", "1"), new("same", "2")], TestTimeout));
    }

    [Fact]
    public async Task A_message_received_more_than_maxReceiveCount_times_moves_to_the_dead_letter_queue()
    {
        var deadLetters = await NewQueueAsync("dlq");
        var arn = await _sqs.AttributeAsync(deadLetters, QueueAttributeName.QueueArn);
        var url = await NewQueueAsync("redrive", new() { [QueueAttributeName.RedrivePolicy] = SqsTestQueues.RedrivePolicy(arn, maxReceiveCount: 2) });
        var sent = await _sqs.SendMessageAsync(url, "poison", TestTimeout);

        for (var i = 0; i < 2; i++) Assert.Single(await _sqs.ReceiveAsync(url, visibilityTimeout: 0));
        Assert.Empty(await _sqs.ReceiveAsync(url));

        var deadLettered = Assert.Single(await _sqs.ReceiveAsync(deadLetters));
        Assert.Equal((sent.MessageId, "poison"), (deadLettered.MessageId, deadLettered.Body));
    }

    [Fact]
    public async Task Queue_attributes_count_visible_in_flight_and_delayed_messages()
    {
        var ct = TestTimeout;
        var url = await NewQueueAsync("counts");
        await _sqs.SendMessageAsync(url, "in flight", ct);
        await _sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "delayed", DelaySeconds = 60 }, ct);
        Assert.Single(await _sqs.ReceiveAsync(url, visibilityTimeout: 60));
        await _sqs.SendMessageAsync(url, "waiting", ct);

        var attributes = (await _sqs.GetQueueAttributesAsync(url, [QueueAttributeName.All], ct)).Attributes;

        Assert.Equal("1", attributes[QueueAttributeName.ApproximateNumberOfMessages]);
        Assert.Equal("1", attributes[QueueAttributeName.ApproximateNumberOfMessagesNotVisible]);
        Assert.Equal("1", attributes[QueueAttributeName.ApproximateNumberOfMessagesDelayed]);
        Assert.StartsWith("arn:aws:sqs:us-east-1:", attributes[QueueAttributeName.QueueArn]);
    }
}
