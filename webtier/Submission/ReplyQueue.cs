using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImageRec.WebTier.Submission;

/// <summary>
/// This replica's own reply queue: created at start, deleted at shutdown, long-polled in between.
/// Workers send each result to the queue named in the job's <c>replyTo</c>; this loop hands it to
/// the request waiting for that job id, if any. Replies nobody waits for are deleted and dropped —
/// the result is in S3 anyway.
/// </summary>
public sealed partial class ReplyQueue(
    IAmazonSQS sqs,
    IOptions<ReplyQueueOptions> options,
    ILogger<ReplyQueue> logger) : BackgroundService, IHealthCheck
{
    // One waiter per job id, shared by every request waiting for that job (a client's retry can wait
    // beside its first attempt): the reply goes to all of them, and the waiter goes with the last.
    private readonly Dictionary<string, Waiter> _waiters = [];
    private string? _url;

    public string Url => _url ?? throw new InvalidOperationException("The reply queue is not created yet.");

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var name = QueueName(options.Value.Prefix);
        _url = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = name,
            Attributes = new Dictionary<string, string>
            {
                [QueueAttributeName.MessageRetentionPeriod] = options.Value.MessageRetentionSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        }, cancellationToken)).QueueUrl;
        logger.LogInformation("Reply queue {QueueUrl} created", _url);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_url is null) return;
        try
        {
            await sqs.DeleteQueueAsync(_url, cancellationToken);
            logger.LogInformation("Reply queue {QueueUrl} deleted", _url);
        }
        catch (Exception e) when (AwsCallFailures.IsCallFailure(e, cancellationToken))
        {
            logger.LogWarning("Could not delete reply queue {QueueUrl} ({Code}); its messages expire on their own", _url, AwsCallFailures.Code(e));
        }
    }

    /// <summary>
    /// Starts waiting for a job's reply. Register before the job is sent, or a fast worker's reply
    /// could arrive first and be dropped. Dispose the registration when done waiting.
    /// </summary>
    public Registration Register(string jobId)
    {
        lock (_waiters)
        {
            if (!_waiters.TryGetValue(jobId, out var waiter)) _waiters[jobId] = waiter = new Waiter();
            waiter.Registrations++;
            return new Registration(this, jobId, waiter.Reply.Task);
        }
    }

    private void Unregister(string jobId)
    {
        lock (_waiters)
        {
            if (_waiters.TryGetValue(jobId, out var waiter) && --waiter.Registrations == 0) _waiters.Remove(jobId);
        }
    }

    public sealed class Registration(ReplyQueue owner, string jobId, Task<RecognitionResult> reply) : IDisposable
    {
        private int _disposed;

        public Task<RecognitionResult> Reply { get; } = reply;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unregister(jobId);
        }
    }

    private sealed class Waiter
    {
        public TaskCompletionSource<RecognitionResult> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Registrations { get; set; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var messages = await sqs.ReceiveMessagesAsync(new ReceiveMessageRequest
                {
                    QueueUrl = Url,
                    MaxNumberOfMessages = SqsClientExtensions.MaxBatchSize,
                    WaitTimeSeconds = 20,
                }, stoppingToken);
                if (messages.Count == 0) continue;
                foreach (var message in messages) Dispatch(message);
                await sqs.DeleteMessagesAsync(Url, messages.Select(m => m.ReceiptHandle).ToArray(), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (AwsCallFailures.IsCallFailure(e, stoppingToken))
            {
                // Waiting requests fall back to S3 when their reply is late; keep trying.
                logger.LogWarning("Reading reply queue failed ({Code}: {Message})", AwsCallFailures.Code(e), e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Dispatch(Message message)
    {
        RecognitionResult result;
        try
        {
            result = ContractSerializer.ParseResult(message.Body);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Dropping unreadable reply {MessageId}: {Reason}", message.MessageId, e.Message);
            return;
        }
        // A duplicate reply (redelivered job) finds no waiter or an already completed one: ignored.
        Waiter? waiter;
        lock (_waiters) _waiters.TryGetValue(result.Id, out waiter);
        waiter?.Reply.TrySetResult(result);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_url is null ? HealthCheckResult.Unhealthy("reply queue not created") : HealthCheckResult.Healthy(_url));

    /// <summary>SQS queue names allow 80 characters of [A-Za-z0-9_-].</summary>
    internal static string QueueName(string prefix)
    {
        var host = InvalidQueueNameCharacters().Replace(Environment.MachineName, "-");
        var name = $"{prefix}{host}-{Guid.NewGuid():N}";
        return name.Length <= 80 ? name : name[^80..];
    }

    [System.Text.RegularExpressions.GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial System.Text.RegularExpressions.Regex InvalidQueueNameCharacters();
}
