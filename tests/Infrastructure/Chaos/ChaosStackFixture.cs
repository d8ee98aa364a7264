using System.Diagnostics;
using System.Globalization;
using ImageRec.Common.Aws.Sqs;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// A `make run` stack of its own for one chaos test class (the test disrupts it): every service reaches
/// the emulator through a <see cref="FaultProxy"/>, and received jobs stay hidden for only
/// <see cref="VisibilityTimeoutSeconds"/>, so a killed worker's jobs come back within the test.
/// The test itself reads the queues directly from the emulator, past the proxy.
/// </summary>
public sealed class ChaosStackFixture : LocalStackFixture
{
    public const int VisibilityTimeoutSeconds = 10;
    public const string RequestQueue = "imagerec-requests";
    public const string DeadLetterQueue = "imagerec-requests-dlq";

    private ServiceProvider? _emulatorClients;

    public FaultProxy Proxy { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> environment)
    {
        Proxy = await FaultProxy.StartAsync(Emulator);
        environment["VISIBILITY_TIMEOUT"] = VisibilityTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        environment["SERVICES_ENDPOINT"] = Proxy.Address.ToString().TrimEnd('/');
        _emulatorClients = AwsClients.For(Emulator);
    }

    /// <summary>Messages in a queue as the emulator counts them: waiting, being worked on, delayed.</summary>
    public async Task<(long Visible, long InFlight, long Delayed)> QueueDepthAsync(string queueName)
    {
        var sqs = _emulatorClients!.GetRequiredService<ISqsClient>();
        var url = await sqs.GetQueueUrlAsync(queueName, CancellationToken.None);
        var attributes = await sqs.GetQueueAttributesAsync(url, [SqsQueueAttributeNames.ApproximateNumberOfMessages,
            SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible, SqsQueueAttributeNames.ApproximateNumberOfMessagesDelayed], CancellationToken.None);
        long Count(string name) => attributes.TryGetValue(name, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : 0;
        return (Count(SqsQueueAttributeNames.ApproximateNumberOfMessages), Count(SqsQueueAttributeNames.ApproximateNumberOfMessagesNotVisible),
            Count(SqsQueueAttributeNames.ApproximateNumberOfMessagesDelayed));
    }

    /// <summary>Waits up to 30 s for a queue to hold nothing; returns its depth then.</summary>
    public async Task<(long Visible, long InFlight, long Delayed)> WaitForEmptyQueueAsync(string queueName)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var depth = await QueueDepthAsync(queueName);
            if (depth == (0, 0, 0) || deadline.Elapsed > TimeSpan.FromSeconds(30)) return depth;
            await Task.Delay(200);
        }
    }

    /// <summary>Jobs the running workers received more than once (a dead worker's count is gone with it).</summary>
    public async Task<long> RedeliveredJobsAsync() =>
        (long)(await LocalWorkers.ScrapeAsync(this)).Sum(s => LocalWorkers.Value(s.Metrics, "imagerec_worker_jobs_redelivered_total"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_emulatorClients is not null) await _emulatorClients.DisposeAsync();
        if (Proxy is not null) await Proxy.DisposeAsync();
    }
}
