using System.Diagnostics;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Xunit.Abstractions;

namespace ImageRec.Tests.Chaos;

/// <summary>
/// kill -9 of the busiest worker in the middle of a 200-job load: no chance to finish or release its
/// batch. Its jobs come back once their visibility timeout runs out and another worker (or the
/// replacement the operator starts on the dead worker's slot) does them; the user sees every job
/// succeed once, with the right labels.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class WorkerKillTests(ChaosStackFixture stack, ITestOutputHelper output) : IClassFixture<ChaosStackFixture>
{
    private const int Jobs = 200;
    private const int KillAfterAccepted = 60;

    private sealed record Victim(int Pid, int Port, double InFlight, TimeSpan At);

    [Fact]
    public async Task Every_job_succeeds_once_and_the_killed_workers_jobs_are_redelivered()
    {
        var ledger = new JobLedger(stack.Http);
        var clock = Stopwatch.StartNew();
        var uploads = Parallel.ForAsync(0, Jobs, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var outcome = await ChaosUpload.SendAsync(stack.Http, stack.WebTier, ChaosUpload.Image(i));
            Assert.True(outcome.Kind == UploadOutcomeKind.Accepted, $"upload {i}: {outcome.Kind} {outcome.Description}");
            ledger.Record(outcome);
        });
        var victim = await KillBusiestWorkerAsync(ledger, clock);
        await uploads;
        output.WriteLine($"{Jobs} uploads accepted at {clock.Elapsed.TotalSeconds:F1} s; killed worker pid {victim.Pid} (port {victim.Port}, " +
                         $"{victim.InFlight} jobs in flight) at {victim.At.TotalSeconds:F1} s");

        var replacedAfter = await WaitForReplacementAsync(victim, clock);
        var drained = await ledger.WaitForResultsAsync(stack.WebTier, TimeSpan.FromMinutes(2));
        var drainSeconds = drained is null ? (double?)null : (clock.Elapsed - victim.At).TotalSeconds;
        var queue = await stack.WaitForEmptyQueueAsync(ChaosStackFixture.RequestQueue);
        var deadLetters = await stack.QueueDepthAsync(ChaosStackFixture.DeadLetterQueue);
        var redelivered = await stack.RedeliveredJobsAsync();
        var audit = await ledger.AuditAsync(stack.WebTier);
        // What the operator made of it, in its own words.
        foreach (var line in OperatorLog().Where(l => l.Contains("exited with code", StringComparison.Ordinal) || l.Contains("Started worker", StringComparison.Ordinal)))
            output.WriteLine("operator: " + line.Trim());

        new ChaosFigures("worker-kill")
        {
            Redelivered = redelivered,
            RecoverySeconds = replacedAfter?.TotalSeconds,
            DrainSeconds = drainSeconds,
        }.From(audit)
            .Set("killedInFlight", victim.InFlight)
            .Set("visibilityTimeoutSeconds", ChaosStackFixture.VisibilityTimeoutSeconds)
            .Set("deadLettered", deadLetters.Visible + deadLetters.InFlight + deadLetters.Delayed)
            .Publish(output);

        Assert.True(drained is not null, $"not every job finished within 2 minutes: {audit}\n{stack.Logs()}");
        Assert.True(audit.Lost.Count == 0 && audit.Duplicated == 0 && audit.WrongLabels.Count == 0, audit.ToString());
        Assert.Equal((0, 0, 0), queue);
        Assert.Equal((0, 0, 0), deadLetters);
        // The operator noticed the dead process and started another worker on its slot.
        Assert.True(replacedAfter is not null, $"no new worker on port {victim.Port}\n{stack.Logs()}");
        // What the dead worker held came back after the visibility timeout and was done by another worker.
        Assert.True(redelivered >= 1, $"no redelivered job counted, though the killed worker held {victim.InFlight}\n{stack.Logs()}");
    }

    private string[] OperatorLog()
    {
        var path = Path.Combine(stack.RunDirectory, "logs", "operator.log");
        if (!File.Exists(path)) return [];
        // The operator still writes to it: read without locking it out.
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd().Split('\n');
    }

    /// <summary>Once enough uploads are in, kill -9 the worker holding the most jobs (waiting until one holds some).</summary>
    private async Task<Victim> KillBusiestWorkerAsync(JobLedger ledger, Stopwatch clock)
    {
        while (ledger.Count < KillAfterAccepted)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"only {ledger.Count} uploads accepted after a minute");
            await Task.Delay(20);
        }
        while (true)
        {
            if (await LocalWorkers.BusiestAsync(stack) is { InFlight: > 0 } busiest && await LocalWorkers.PidAsync(busiest.Port) is { } pid)
            {
                ProcessSignals.Send(pid, ProcessSignals.SigKill);
                return new Victim(pid, busiest.Port, busiest.InFlight, clock.Elapsed);
            }
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "no worker was ever seen holding a job");
            await Task.Delay(20);
        }
    }

    /// <summary>Time from the kill until another process serves the dead worker's port and is ready; null if none within 60 s.</summary>
    private async Task<TimeSpan?> WaitForReplacementAsync(Victim victim, Stopwatch clock)
    {
        while (clock.Elapsed - victim.At < TimeSpan.FromSeconds(60))
        {
            if (await LocalWorkers.PidAsync(victim.Port) is { } pid && pid != victim.Pid)
            {
                try
                {
                    using var ready = await stack.Http.GetAsync(new Uri($"http://127.0.0.1:{victim.Port}/readyz"));
                    if (ready.IsSuccessStatusCode) return clock.Elapsed - victim.At;
                }
                catch (HttpRequestException)
                {
                    // Starting.
                }
            }
            await Task.Delay(100);
        }
        return null;
    }
}
