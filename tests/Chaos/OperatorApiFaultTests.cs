using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageRec.Tests.Chart;
using ImageRec.Tests.Chart.Support;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.Tests.Infrastructure.KubernetesApi;
using ImageRec.Tests.KubernetesApi;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace ImageRec.Tests.Chaos;

/// <summary>
/// The Kubernetes API misbehaves under the operator while its pools' queues and specs change. Two operator
/// processes (the built binary, --leader-elect, RBAC exactly as the chart renders it) reach the API double
/// through a <see cref="FaultProxy"/>. First another holder takes the leader's Lease for 12 s, past the 10 s
/// renew deadline, so the leader steps down (its autoscalers stop) and a new term begins when that Lease
/// expires; once the pools converged again, the proxy, phase after phase (3 s each), answers a third of all
/// requests 500, resets the connection of every call but the watches, cuts every watch shortly after it opens,
/// delays every answer by a second, and answers watches 410 Gone (the history compacted too). Afterwards both
/// processes must still run, exactly one autoscaler must run per pool (in the Lease holder; none in the other),
/// the operator must have listed again on 410, and each pool's worker Deployment and status must show what its
/// queue asks for — replicas, the observedGeneration of the spec changes made during the faults, and
/// Ready/QueueReachable/Scaling conditions. The seconds from the end of the faults until then are the recovery
/// figure (artifacts/chaos/operator-api-faults.json, with both operators' logs beside it).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed partial class OperatorApiFaultTests(AwsEmulatorFixture emulator, ITestOutputHelper output) : IClassFixture<AwsEmulatorFixture>
{
    private const string Scenario = "operator-api-faults";
    private const string Namespace = "default";
    private const string LeaseName = "imagerec-operator";
    private const string LeasePath = $"/apis/coordination.k8s.io/v1/namespaces/{Namespace}/leases/{LeaseName}";
    private const string PoolsPath = $"/apis/imagerec.io/v1alpha1/namespaces/{Namespace}/recognitionpools";
    private const string Thief = "chaos-lease-thief";
    private const int MinReplicas = 1;
    private const int MaxReplicas = 8;

    // client-go's lease duration and renew deadline, so a leader keeps its Lease through the API faults (at most 3 s
    // with every renewal failing, 3 s more with a third failing): nobody dies here, the Lease changes hands only when
    // the test takes it, and recovering from the faults cannot lean on a new term restarting the controller. A short
    // retry period: the leader notices the taken Lease, and takes it back, within a second.
    private static readonly (TimeSpan Duration, TimeSpan RenewDeadline, TimeSpan RetryPeriod) Lease =
        (TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

    private static readonly TimeSpan PhaseLength = TimeSpan.FromSeconds(3);
    // Past the renew deadline, so the leader really loses its Lease (steps down, stops its autoscalers); the thief's
    // Lease lasts exactly this long, then either operator takes it within a retry period.
    private static readonly TimeSpan LeaseAway = Lease.RenewDeadline + TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BaselineLimit = TimeSpan.FromSeconds(30);
    // Generous: a pool converges about a second after the faults (poll interval 300 ms; 1.4 s after a lost Lease came
    // back, leader election included, on a busy 2-core machine), yet well short of the operator's 30 s resync, so a
    // controller that only comes back through that drift repair does not pass as recovered.
    private static readonly TimeSpan ConvergenceLimit = TimeSpan.FromSeconds(8);
    // Converged must still hold this much later (no flapping back).
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(1.5);

    private readonly Dictionary<string, (ScriptedQueue Queue, int PerReplica)> _pools = [];
    private KubernetesApiServer _server = null!;

    [Fact]
    public async Task Api_faults_and_a_lost_lease_leave_one_autoscaler_per_pool_and_the_pools_converge_to_their_queues()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var cancellationToken = timeout.Token;
        var directory = Directory.CreateTempSubdirectory("imagerec-operator-faults");
        await using var server = _server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = TimeSpan.FromSeconds(1) });
        using var admin = new ApiClient(server);
        await admin.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "crds", "recognitionpools.imagerec.io.yaml"), cancellationToken));
        var role = RenderedChart.Template(4, "--show-only", OperatorClusterRoleTests.Template);
        Assert.True(role.Succeeded, role.Describe());
        var token = server.AddServiceAccountToken("imagerec", "imagerec-operator", role.StdOut);

        // TLS with the double's own certificate: the operator keeps the trust and token it would have for the
        // double itself; only the port in its kubeconfig is the proxy's.
        await using var proxy = await FaultProxy.StartAsync(server.BaseAddress, ServerCertificate.Certificate, (_, certificate, _, _) => ServerCertificate.Trusts(certificate));
        var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfig.Render(proxy.Address, server.CertificateAuthorityPem, token, Namespace), cancellationToken);

        var sqs = emulator.CreateSqsClient();
        foreach (var (name, depth) in new[] { ("pool-a", 5), ("pool-b", 25) })
        {
            var queue = await ScriptedQueue.CreateAsync(sqs, AwsEmulatorFixture.UniqueName("operator-" + name), cancellationToken);
            await queue.SetDepthAsync(depth, cancellationToken);
            _pools[name] = (queue, 10);
            await admin.CreateAsync(PoolsPath, PoolYaml(name, queue.Url, emulator.ServiceUrl));
        }

        using var stopReadiness = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readiness = new DeploymentReadiness(server, Namespace).RunAsync(stopReadiness.Token);
        var aws = emulator.Configuration.AsEnumerable().ToList();
        await using var operatorA = OperatorProcess.Start("operator-a", kubeconfig, Namespace, Lease, aws);
        await using var operatorB = OperatorProcess.Start("operator-b", kubeconfig, Namespace, Lease, aws);
        OperatorProcess[] operators = [operatorA, operatorB];
        var figures = new ChaosFigures(Scenario);
        var timeline = Stopwatch.StartNew();
        try
        {
            // The starting point, fault-free: both pools converged, so what follows measures recovery, not start-up.
            var (baseline, baselineDifference) = await WaitForConvergenceAsync(BaselineLimit, cancellationToken);
            Assert.True(baseline is not null, $"before any fault the pools did not converge within {BaselineLimit.TotalSeconds:0} s: {baselineDifference}\n{KeyLines(operators)}");
            output.WriteLine($"{timeline.Elapsed.TotalSeconds,5:0.0}s baseline converged after {baseline!.Value.TotalSeconds:0.0} s");
            var leader = await LeaseHolderAsync(admin);
            Assert.True(leader is not null && operators.Any(o => o.Identity == leader), $"the Lease is held by '{leader}', not by an operator");
            var failures = new List<string>();

            var phases = new List<(string Name, DateTimeOffset Start, DateTimeOffset End)>();
            async Task PhaseAsync(string name, TimeSpan length, Func<Task> begin)
            {
                var start = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                await begin();
                if (length - clock.Elapsed is { } left && left > TimeSpan.Zero) await Task.Delay(left, cancellationToken);
                phases.Add((name, start, DateTimeOffset.UtcNow));
                output.WriteLine($"{timeline.Elapsed.TotalSeconds,5:0.0}s {name} ended ({(DateTimeOffset.UtcNow - start).TotalSeconds:0.0} s)");
            }

            // The Lease first, and convergence after it, so that the API faults after it meet a leader that keeps its
            // Lease: recovering from them must not depend on a new term (which would restart a broken controller).
            var leaderProcess = operators.Single(o => o.Identity == leader);
            var stoppedBefore = _pools.Keys.ToDictionary(pool => pool, leaderProcess.Stopped);
            await PhaseAsync("lease-lost", LeaseAway, async () =>
            {
                await SetLeaseHolderAsync(admin, Thief, LeaseAway);
                await _pools["pool-b"].Queue.SetDepthAsync(12, cancellationToken);
            });
            output.WriteLine($"{timeline.Elapsed.TotalSeconds,5:0.0}s the thief's Lease expired");
            var (leaseRecovered, leaseDifference) = await WaitForConvergenceAsync(ConvergenceLimit, cancellationToken);
            output.WriteLine($"{timeline.Elapsed.TotalSeconds,5:0.0}s {Converged(leaseRecovered, "the Lease came back")}");
            if (leaseRecovered is null)
                failures.Add($"not converged within {ConvergenceLimit.TotalSeconds:0} s of the Lease coming back: {leaseDifference}");
            // The leader must have stepped down (its autoscalers stopped) and someone must have led again since.
            foreach (var (pool, stopped) in stoppedBefore.Where(p => leaderProcess.Stopped(p.Key) == p.Value))
                failures.Add($"{leader} kept autoscaling {pool} while another holder had the Lease past its renew deadline");
            if (operators.Sum(o => AcquiredLine().Matches(o.Output).Count) < 2)
                failures.Add("no new term began after the Lease was lost");

            await PhaseAsync("errors", PhaseLength, async () =>
            {
                proxy.ErrorResponse = KubernetesErrorResponses.WriteInternalErrorAsync;
                proxy.Fraction = 1.0 / 3;
                proxy.Mode = FaultMode.Errors;
                await _pools["pool-a"].Queue.SetDepthAsync(20, cancellationToken);
            });
            await PhaseAsync("resets", PhaseLength, async () =>
            {
                // Every call but the watches loses its connection, in turn before it arrives and half-way through
                // the answer; the watches stay up, so the spec change reaches the operator and it reconciles into the resets.
                proxy.Fraction = 1;
                proxy.Targets = request => !KubernetesRequests.IsWatch(request);
                proxy.Mode = FaultMode.Drop;
                await ChangeSpecAsync(admin, "pool-a", new JsonObject { ["scaleDownStabilization"] = "1s" });
            });
            await PhaseAsync("watch-cuts", PhaseLength, async () =>
            {
                proxy.Targets = KubernetesRequests.IsWatch;
                proxy.CutAfter = TimeSpan.FromMilliseconds(400);
                proxy.Mode = FaultMode.Cut;
                await _pools["pool-b"].Queue.SetDepthAsync(40, cancellationToken);
                await ChangeSpecAsync(admin, "pool-b", new JsonObject { ["scaleDownStabilization"] = "1s" });
            });
            await PhaseAsync("slow", PhaseLength, async () =>
            {
                proxy.Targets = _ => true;
                proxy.Latency = TimeSpan.FromSeconds(1);
                proxy.Mode = FaultMode.Latency;
                await _pools["pool-a"].Queue.SetDepthAsync(30, cancellationToken);
            });
            await PhaseAsync("watch-gone", PhaseLength, async () =>
            {
                // The history is gone too, so resuming a watch from an old resourceVersion cannot work either.
                server.Compact();
                proxy.Targets = KubernetesRequests.IsWatch;
                proxy.ErrorResponse = KubernetesErrorResponses.ExpiredWatch();
                proxy.Mode = FaultMode.Errors;
                proxy.CutStreamingAnswers();
                // Seen only by an operator that lists again.
                await ChangeSpecAsync(admin, "pool-a", new JsonObject { ["messagesPerReplica"] = 5 });
                _pools["pool-a"] = _pools["pool-a"] with { PerReplica = 5 };
            });
            proxy.Mode = FaultMode.PassThrough;
            output.WriteLine($"{timeline.Elapsed.TotalSeconds,5:0.0}s faults over");

            var (recovered, difference) = await WaitForConvergenceAsync(ConvergenceLimit, cancellationToken);
            output.WriteLine($"{timeline.Elapsed.TotalSeconds,5:0.0}s {Converged(recovered, "the faults")}");

            // What the operators did, counted after the pools had time to settle.
            var holder = await LeaseHolderAsync(admin);
            foreach (var process in operators.Where(o => o.HasExited))
                failures.Add($"{process.Identity} exited ({process.ExitCode})");
            if (recovered is null)
                failures.Add($"not converged within {ConvergenceLimit.TotalSeconds:0} s of the faults ending: {difference}");
            if (!operators.Any(o => o.Identity == holder))
                failures.Add($"the Lease is held by '{holder}', not by an operator");
            // Two terms: the first and the one after the theft. The API faults last 3 s each, far inside the renew
            // deadline, so a leader that steps down during them treats a failed request as a lost Lease.
            var terms = operators.Sum(o => AcquiredLine().Matches(o.Output).Count);
            if (terms != 2)
                failures.Add($"{terms} terms of leadership, not 2 (the first and the one after the Lease was lost)");
            var autoscalers = new JsonObject();
            foreach (var process in operators)
            {
                var counts = new JsonObject();
                foreach (var pool in _pools.Keys)
                {
                    var wanted = process.Identity == holder ? 1 : 0;
                    var (started, stopped) = (process.Started(pool), process.Stopped(pool));
                    counts[pool] = $"{started} started, {stopped} stopped";
                    if (started - stopped != wanted)
                        failures.Add($"{process.Identity} ({(wanted == 1 ? "leader" : "follower")}) runs {started - stopped} autoscalers for {pool} " +
                            $"({started} started, {stopped} stopped), not {wanted}");
                }
                autoscalers[process.Identity] = counts;
            }
            var gone = phases.Single(p => p.Name == "watch-gone");
            // From the 410s on, not only during them: an informer may still be backing off from the cut watches
            // when they begin, and meets its 410 when it comes back.
            var relists = proxy.Requests.Count(q => q.At >= gone.Start && KubernetesRequests.IsList(q, "/recognitionpools"));
            if (relists == 0)
                failures.Add("no list of RecognitionPools once watches were answered 410 Gone");
            var faultsPerPhase = new JsonObject();
            foreach (var phase in phases.Where(p => p.Name != "lease-lost"))
            {
                var faulted = proxy.Requests.Count(q => q.At >= phase.Start && q.At <= phase.End && q.Mode != FaultMode.PassThrough);
                faultsPerPhase[phase.Name] = faulted;
                // A phase that broke nothing tested nothing.
                if (faulted == 0) failures.Add($"the {phase.Name} phase faulted no request");
            }

            figures.RecoverySeconds = recovered?.TotalSeconds;
            figures
                .Set("faultSeconds", Math.Round(phases.Sum(p => (p.End - p.Start).TotalSeconds), 1))
                .Set("requestsFaulted", faultsPerPhase)
                .Set("connectionsCut", proxy.Requests.Count(q => q.Mode == FaultMode.Cut))
                .Set("poolListsSinceGone", relists)
                .Set("leaderBefore", leader)
                .Set("leaderAfter", holder)
                .Set("leaseAcquisitions", new JsonObject(operators.Select(o => KeyValuePair.Create(o.Identity, (JsonNode?)AcquiredLine().Matches(o.Output).Count))))
                .Set("autoscalers", autoscalers)
                .Set("operatorsRunning", operators.Count(o => !o.HasExited))
                .Set("baselineSeconds", Math.Round(baseline.Value.TotalSeconds, 1))
                .Set("leaseRecoverySeconds", leaseRecovered is { } l ? Math.Round(l.TotalSeconds, 1) : null)
                .Set("notConverged", difference);
            figures.Publish(output);
            Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n\n" + KeyLines(operators));
        }
        finally
        {
            await stopReadiness.CancelAsync();
            await readiness;
            foreach (var process in operators)
            {
                var log = Path.Combine(ChaosFigures.Directory, $"{Scenario}.{process.Identity}.log");
                Directory.CreateDirectory(ChaosFigures.Directory);
                await File.WriteAllTextAsync(log, process.Output, CancellationToken.None);
                output.WriteLine($"{process.Identity} log: {log}");
            }
            directory.Delete(recursive: true);
        }
    }

    private static string Converged(TimeSpan? after, string what) =>
        after is { } seconds ? $"converged {seconds.TotalSeconds:0.0} s after {what}" : $"not converged within {ConvergenceLimit.TotalSeconds:0} s of {what}";

    private static string PoolYaml(string name, string queueUrl, Uri endpoint) => RecognitionPoolManifest.Yaml(name, queueUrl,
        $"{{minReplicas: {MinReplicas}, maxReplicas: {MaxReplicas}, messagesPerReplica: 10, pollInterval: 300ms, scaleDownStabilization: 2s}}", endpoint.ToString());

    /// <summary>
    /// Polls until every pool shows what its queue asks for and still does <see cref="Hold"/> later; the time until
    /// it first did, or null (and what still differed) when <paramref name="limit"/> passes first.
    /// </summary>
    private async Task<(TimeSpan? After, string? Difference)> WaitForConvergenceAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? since = null;
        string? difference = null;
        while (clock.Elapsed < limit + Hold)
        {
            difference = await DifferenceAsync(cancellationToken);
            if (difference is not null) since = null;
            else if (since is null && clock.Elapsed <= limit) since = clock.Elapsed;
            else if (since is { } first && clock.Elapsed - first >= Hold) return (first, null);
            if (since is null && clock.Elapsed > limit) break;
            await Task.Delay(200, cancellationToken);
        }
        return (null, difference);
    }

    private async Task<string?> DifferenceAsync(CancellationToken cancellationToken)
    {
        var differences = new List<string>();
        foreach (var (name, (queue, perReplica)) in _pools)
        {
            var (visible, inFlight) = await queue.ReadAsync(cancellationToken);
            var backlog = visible + inFlight;
            var replicas = (int)Math.Clamp((backlog + perReplica - 1) / perReplica, MinReplicas, MaxReplicas);
            if (PoolConvergence.Difference(_server, Namespace, name, replicas, visible) is { } difference) differences.Add(difference);
        }
        return differences.Count == 0 ? null : string.Join(" | ", differences);
    }

    /// <summary>A user's change to spec.scaling (merge patch straight to the API, past the proxy); it raises the generation.</summary>
    private static async Task ChangeSpecAsync(ApiClient admin, string pool, JsonObject scaling)
    {
        var (status, body) = await admin.MergePatchAsync($"{PoolsPath}/{pool}", new JsonObject { ["spec"] = new JsonObject { ["scaling"] = scaling } });
        Assert.True(status == 200, $"patching {pool}: {status} {body.ToJsonString()}");
    }

    private static async Task<string?> LeaseHolderAsync(ApiClient admin)
    {
        var (status, lease) = await admin.GetAsync(LeasePath);
        return status == 200 ? lease["spec"]?["holderIdentity"]?.GetValue<string>() : null;
    }

    /// <summary>Writes the Lease as if <paramref name="holder"/> had just taken it (straight to the API; retried on a race with a renewal).</summary>
    private static async Task SetLeaseHolderAsync(ApiClient admin, string holder, TimeSpan duration)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (read, lease) = await admin.GetAsync(LeasePath);
            Assert.True(read == 200, $"reading the Lease: {read} {lease.ToJsonString()}");
            var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            var spec = lease["spec"] as JsonObject ?? [];
            spec["holderIdentity"] = holder;
            spec["leaseDurationSeconds"] = (int)duration.TotalSeconds;
            spec["acquireTime"] = now;
            spec["renewTime"] = now;
            spec["leaseTransitions"] = (JsonNumber.Of(spec["leaseTransitions"]) ?? 0) + 1;
            lease["spec"] = spec;
            var (written, body) = await admin.PutAsync(LeasePath, lease);
            if (written == 200) return;
            Assert.True(written == 409 && attempt < 10, $"writing the Lease: {written} {body.ToJsonString()}");
        }
    }

    /// <summary>The log messages that tell what each operator did — autoscalers, leadership, failures — without stack traces (the full logs go to artifacts/chaos).</summary>
    private static string KeyLines(IEnumerable<OperatorProcess> operators) => string.Join("\n", operators.Select(o =>
        $"--- {o.Identity}{(o.HasExited ? $" (exited {o.ExitCode})" : "")}:\n" + string.Join("\n", KeyLine().Matches(o.Output).Select(m => m.Value.Trim()).TakeLast(40))));

    // The simple console formatter indents messages by six spaces, exception details and stack frames by more.
    [GeneratedRegex(@"^ {6}(?! )(?!at ).*(Autoscaling pool|Stopped autoscaling|lease|Watching RecognitionPools|failed|workers \().*$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    // OperatorHost logs "{Identity} leads (lease ...)" each time it starts leading.
    [GeneratedRegex(@" leads \(lease ")]
    private static partial Regex AcquiredLine();
}
