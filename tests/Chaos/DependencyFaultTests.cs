using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ImageRec.Tests.Infrastructure.Chaos;
using Xunit.Abstractions;

namespace ImageRec.Tests.Chaos;

/// <summary>
/// SQS, S3 and the DynamoDB index misbehave under a steady upload load — 503s (SQS ServiceUnavailable, S3 SlowDown,
/// DynamoDB ServiceUnavailable), then seconds of latency, then dropped connections, between every service and the
/// emulator; a few seconds later the index alone fails (503s, then dropped connections) while SQS and S3 answer:
/// 15 seconds of faults in all. Uploads during the faults are accepted or refused clearly (5xx problem+json with Retry-After), never left
/// hanging; once the faults stop the system recovers without help and every accepted job succeeds, once, and is
/// listed by the index as succeeded (a worker that could not record an outcome kept its message until it could).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class DependencyFaultTests(ChaosStackFixture stack, ITestOutputHelper output) : IClassFixture<ChaosStackFixture>
{
    private const int Clients = 6;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Latency = TimeSpan.FromSeconds(1.5);

    private static readonly Func<HttpRequest, bool> Everything = _ => true;

    private static readonly (FaultMode Mode, TimeSpan For, string Target, Func<HttpRequest, bool> Targets)[] Faults =
    [
        (FaultMode.Errors, TimeSpan.FromSeconds(4), "all", Everything),
        (FaultMode.Latency, TimeSpan.FromSeconds(3), "all", Everything),
        (FaultMode.Drop, TimeSpan.FromSeconds(3), "all", Everything),
        // A second incident, not a continuation of the first: the jobs the first one held back finish in between, as
        // they would (15 s of unbroken failures would take a job past the queue's maxReceiveCount into the dead letters).
        (FaultMode.PassThrough, TimeSpan.FromSeconds(4), "none", Everything),
        (FaultMode.Errors, TimeSpan.FromSeconds(3), "index", AwsErrorResponses.IsDynamoDb),
        (FaultMode.Drop, TimeSpan.FromSeconds(2), "index", AwsErrorResponses.IsDynamoDb),
    ];

    [Fact]
    public async Task Errors_latency_and_dropped_connections_lose_nothing_and_the_system_recovers_by_itself()
    {
        var ledger = new JobLedger(stack.Http);
        // Warm (and check) the whole path first, so the faults hit a running system rather than its start-up.
        var warmUp = await ChaosUpload.SendAsync(stack.Http, stack.WebTier, ChaosUpload.Image(0), waitSeconds: 20);
        Assert.True(warmUp.Kind == UploadOutcomeKind.Completed, $"warm-up upload: {warmUp.Kind} {warmUp.Description}\n{stack.Logs()}");
        ledger.Record(warmUp);
        var outcomes = new ConcurrentBag<(FaultMode Mode, UploadOutcome Outcome)>();
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (var n = client; !stopLoad.IsCancellationRequested; n += Clients)
            {
                var mode = stack.Proxy.Mode;
                var outcome = await ChaosUpload.SendAsync(stack.Http, stack.WebTier, ChaosUpload.Image(n));
                ledger.Record(outcome);
                outcomes.Add((mode, outcome));
                await Task.Delay(Pause);
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(3));
        stack.Proxy.Latency = Latency;
        foreach (var (mode, duration, target, targets) in Faults)
        {
            stack.Proxy.Targets = targets;
            stack.Proxy.Mode = mode;
            output.WriteLine($"{mode} for {duration.TotalSeconds:0} s on {target}");
            await Task.Delay(duration);
        }
        stack.Proxy.Mode = FaultMode.PassThrough;
        stack.Proxy.Targets = Everything;
        var sinceFaults = Stopwatch.StartNew();

        var recovered = await WaitForRecoveryAsync(ledger);
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);
        var drained = await ledger.WaitForResultsAsync(stack.WebTier, TimeSpan.FromMinutes(2));
        var drainSeconds = drained is null ? (double?)null : sinceFaults.Elapsed.TotalSeconds;
        var queue = await stack.WaitForEmptyQueueAsync(ChaosStackFixture.RequestQueue);
        var deadLetters = await stack.QueueDepthAsync(ChaosStackFixture.DeadLetterQueue);
        var cleaned = await ledger.WaitForAbandonedToGoAsync(stack.WebTier, TimeSpan.FromMinutes(1));
        var audit = await ledger.AuditAsync(stack.WebTier);

        var byKind = outcomes.GroupBy(o => o.Outcome.Kind).ToDictionary(g => g.Key, g => g.Count());
        var duringFaults = outcomes.Where(o => o.Mode != FaultMode.PassThrough).ToArray();
        new ChaosFigures("dependency-faults")
        {
            Redelivered = await stack.RedeliveredJobsAsync(),
            RecoverySeconds = recovered?.TotalSeconds,
            DrainSeconds = drainSeconds,
        }.From(audit)
            .Set("uploads", outcomes.Count)
            .Set("refusedUploadsListedUntilSeconds", cleaned is null ? null : Math.Round(cleaned.Value.TotalSeconds, 1))
            .Set("uploadsDuringFaults", duringFaults.Length)
            .Set("refusedDuringFaults", duringFaults.Count(o => o.Outcome.Kind == UploadOutcomeKind.RetryableError))
            .Set("slowestUploadSeconds", Math.Round(outcomes.Max(o => o.Outcome.Elapsed.TotalSeconds), 1))
            .Set("outcomes", new JsonObject(byKind.Select(k => KeyValuePair.Create(k.Key.ToString(), (JsonNode?)k.Value))))
            .Set("requestsFaulted", stack.Proxy.Faulted)
            .Set("indexRequestsFaulted", stack.Proxy.Requests.Count(r => r.Mode != FaultMode.PassThrough && r.Target?.StartsWith("DynamoDB_", StringComparison.Ordinal) == true))
            .Set("faultSeconds", Faults.Where(f => f.Mode != FaultMode.PassThrough).Sum(f => f.For.TotalSeconds))
            .Set("deadLettered", deadLetters.Visible + deadLetters.InFlight + deadLetters.Delayed)
            .Publish(output);

        var unexpected = outcomes.Where(o => o.Outcome.Kind is not (UploadOutcomeKind.Accepted or UploadOutcomeKind.RetryableError)).ToArray();
        Assert.True(unexpected.Length == 0, "uploads answered neither 202 nor a retryable 5xx problem:\n" +
            string.Join("\n", unexpected.Take(10).Select(u => $"{u.Mode}: {u.Outcome.Kind} after {u.Outcome.Elapsed.TotalSeconds:F1} s: {u.Outcome.Description}"))
            + $"\n{audit}\n{stack.Logs()}");
        Assert.True(recovered is not null, $"no fresh upload succeeded within a minute of the faults ending\n{stack.Logs()}");
        Assert.True(drained is not null, $"not every accepted job finished within 2 minutes: {audit}\n{stack.Logs()}");
        Assert.True(audit.Lost.Count == 0 && audit.Duplicated == 0 && audit.WrongLabels.Count == 0, audit.ToString());
        Assert.Equal((0, 0, 0), queue);
        Assert.Equal((0, 0, 0), deadLetters);
    }

    /// <summary>
    /// Time from now until the web tier is ready and a fresh upload gets its result within 10 s;
    /// null if that does not happen within a minute.
    /// </summary>
    private async Task<TimeSpan?> WaitForRecoveryAsync(JobLedger ledger)
    {
        var clock = Stopwatch.StartNew();
        for (var n = 0; clock.Elapsed < TimeSpan.FromMinutes(1); n++)
        {
            using (var ready = await stack.Http.GetAsync(new Uri(stack.WebTier, "readyz")))
            {
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    var probe = await ChaosUpload.SendAsync(stack.Http, stack.WebTier, ChaosUpload.Image(n), waitSeconds: 10);
                    ledger.Record(probe);
                    if (probe.Kind == UploadOutcomeKind.Completed && JsonDocument.Parse(probe.Result!).RootElement.GetProperty("status").GetString() == "succeeded")
                        return clock.Elapsed;
                }
            }
            await Task.Delay(200);
        }
        return null;
    }
}
