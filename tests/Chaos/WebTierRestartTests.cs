using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Xunit.Abstractions;

namespace ImageRec.Tests.Chaos;

/// <summary>
/// A web tier replica stopped while clients wait on it (<c>?wait=</c> uploads): by SIGTERM, as a rollout
/// stops a pod, and by kill -9. Each waiting client gets its result or a clear retryable error (a 5xx
/// problem+json with Retry-After, or the connection closing); every job a client got an id for still
/// succeeds, readable through the other replica; and a new process on the same port serves the results.
/// Every upload carries an Idempotency-Key, and a client cut off retries with it against the new process:
/// nothing is lost and nothing doubled (an upload cut off between storing and enqueueing is found by the
/// retry and queued by the sweeper).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class WebTierRestartTests(ChaosStackFixture stack, ITestOutputHelper output) : IClassFixture<ChaosStackFixture>
{
    private const int Clients = 8;
    private const int WaitSeconds = 20;
    private const int StopAfterAnswers = 16;

    private sealed record Answer(UploadOutcome Outcome, bool AfterSignal, string IdempotencyKey);

    [Fact]
    public Task Sigterm_lets_the_waiting_clients_have_their_results() => StopWhileClientsWaitAsync(ProcessSignals.SigTerm, "webtier-sigterm");

    [Fact]
    public Task Kill_9_leaves_the_waiting_clients_a_retryable_error_and_loses_no_job() => StopWhileClientsWaitAsync(ProcessSignals.SigKill, "webtier-kill");

    private async Task StopWhileClientsWaitAsync(int signal, string scenario)
    {
        var preexisting = await new JobLedger(stack.Http).ListAsync(stack.WebTier);
        var port = FreePorts.One();
        var ledger = new JobLedger(stack.Http);
        var answers = new ConcurrentBag<Answer>();
        var clock = Stopwatch.StartNew();
        TimeSpan signalledAt, exitedAfter;
        await using (var webTier = await WebTierProcess.StartAsync(stack.WebTierSettings(stack.Proxy.Address), port))
        {
            var signalled = false;
            using var stopUploading = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                for (var n = client; !stopUploading.IsCancellationRequested; n += Clients)
                {
                    var key = Guid.NewGuid().ToString();
                    var outcome = await ChaosUpload.SendAsync(stack.Http, webTier.BaseAddress, ChaosUpload.Image(n), WaitSeconds, key);
                    ledger.Record(outcome);
                    answers.Add(new Answer(outcome, Volatile.Read(ref signalled), key));
                }
            })).ToArray();

            while (answers.Count < StopAfterAnswers)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"only {answers.Count} answers in a minute: {string.Join("; ", answers.Select(a => a.Outcome.Description))}\n{webTier.Output}");
                await Task.Delay(20);
            }
            // Every client has an upload in flight (most of them waiting for the result); none starts another.
            await stopUploading.CancelAsync();
            webTier.Signal(signal);
            Volatile.Write(ref signalled, true);
            signalledAt = clock.Elapsed;
            await Task.WhenAll(clients);
            await webTier.WaitForExitAsync(TimeSpan.FromSeconds(40));
            exitedAfter = clock.Elapsed - signalledAt;
        }

        // Another process on the same port serves what was submitted through the stopped one.
        // Its sweeper queues an upload cut off between storing and enqueueing: stalled after 20 s, more than the
        // stack's visibility timeout (10 s) and a batch, so no job in a worker's hands counts as stalled.
        var freshSettings = stack.WebTierSettings(stack.Proxy.Address);
        freshSettings["Sweeper__StalledAfter"] = "00:00:20";
        freshSettings["Sweeper__Interval"] = "00:00:02";
        await using var fresh = await WebTierProcess.StartAsync(freshSettings, port);
        var recovered = clock.Elapsed - signalledAt;
        // The clients cut off retry their upload with its key against the new process.
        var cutOff = answers.Where(a => a.Outcome.Kind is UploadOutcomeKind.ConnectionClosed or UploadOutcomeKind.RetryableError).ToArray();
        var retries = await Task.WhenAll(cutOff.Select(a =>
            ChaosUpload.SendAsync(stack.Http, fresh.BaseAddress, a.Outcome.Image, WaitSeconds, a.IdempotencyKey)));
        foreach (var retry in retries) ledger.Record(retry);
        var drained = await ledger.WaitForResultsAsync(fresh.BaseAddress, TimeSpan.FromMinutes(1));
        var drainSeconds = drained is null ? (double?)null : (clock.Elapsed - signalledAt).TotalSeconds;
        var audit = await ledger.AuditAsync(fresh.BaseAddress, preexisting);
        // The replica that stayed up reads them the same way.
        var elsewhere = await ledger.AuditAsync(stack.WebTier, preexisting);

        var inFlight = answers.Where(a => a.AfterSignal).ToArray();
        new ChaosFigures(scenario)
        {
            Redelivered = await stack.RedeliveredJobsAsync(),
            RecoverySeconds = recovered.TotalSeconds,
            DrainSeconds = drainSeconds,
        }.From(audit)
            .Set("uploadsInFlightAtSignal", inFlight.Length)
            .Set("answersAfterSignal", new JsonObject(inFlight.GroupBy(a => a.Outcome.Kind)
                .Select(g => KeyValuePair.Create(g.Key.ToString(), (JsonNode?)g.Count()))))
            .Set("retriedWithKey", retries.Length)
            .Set("retriesAnswered", new JsonObject(retries.GroupBy(r => r.Kind)
                .Select(g => KeyValuePair.Create(g.Key.ToString(), (JsonNode?)g.Count()))))
            .Set("orphanedUploads", audit.Unknown.Count)
            .Set("orphanedUnfinished", audit.UnknownUnfinished)
            .Set("exitSeconds", Math.Round(exitedAfter.TotalSeconds, 1))
            .Publish(output);

        var unexpected = answers.Where(a => a.Outcome.Kind == UploadOutcomeKind.Unexpected).ToArray();
        Assert.True(unexpected.Length == 0, "answers neither a result nor a clear retryable error:\n" +
            string.Join("\n", unexpected.Take(10).Select(a => $"{a.Outcome.Description} after {a.Outcome.Elapsed.TotalSeconds:F1} s")) + $"\n{stack.Logs()}");
        Assert.True(drained is not null, $"not every job a client got an id for finished: {audit}\n{stack.Logs()}");
        Assert.All(retries, r => Assert.True(r.Kind is UploadOutcomeKind.Completed or UploadOutcomeKind.Accepted, $"a retry with its key got {r.Description}"));
        // With keys and retries nothing is doubled: no listed image that no client holds the id of.
        Assert.True(audit.Lost.Count == 0 && audit.Duplicated == 0 && audit.WrongLabels.Count == 0, audit.ToString());
        Assert.True(elsewhere.Lost.Count == 0 && elsewhere.Changed.Count == 0, elsewhere.ToString());
        if (signal == ProcessSignals.SigKill)
            Assert.True(retries.Length > 0, "kill -9 cut off no waiting client, so no retry was tested");
        if (signal == ProcessSignals.SigTerm)
        {
            // A graceful stop finishes what it started: no upload is cut off half-way, so none is left unknown.
            Assert.Empty(audit.Unknown);
            Assert.All(inFlight, a => Assert.True(a.Outcome.Kind is UploadOutcomeKind.Completed or UploadOutcomeKind.Accepted,
                $"a client waiting at SIGTERM got {a.Outcome.Kind}: {a.Outcome.Description}"));
        }
        using var ready = await stack.Http.GetAsync(new Uri(fresh.BaseAddress, "readyz"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
