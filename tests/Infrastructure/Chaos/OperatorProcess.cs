using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// The operator as it runs in a cluster — its built binary in cluster mode with <c>--leader-elect</c>,
/// reaching the API through a kubeconfig — so a test sees what the process does, whatever its insides
/// (the controller is being rewritten onto another client library), and counts the autoscalers it runs
/// from the two log lines kept for that purpose: "Autoscaling pool {Pool}" when one starts and
/// "Stopped autoscaling pool {Pool}" when one stops. Options go in as <c>--Section:Key=value</c> arguments.
/// </summary>
public sealed partial class OperatorProcess : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private OperatorProcess(string identity, ServiceProcess process)
    {
        Identity = identity;
        _process = process;
    }

    /// <summary>Its holderIdentity in the leader-election Lease.</summary>
    public string Identity { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public string Output => _process.Output;

    /// <param name="identity">Its identity in the Lease (Operator:Identity).</param>
    /// <param name="kubeconfig">The kubeconfig it reaches the API with.</param>
    /// <param name="lease">Lease duration, renew deadline and retry period (short ones keep a test short).</param>
    /// <param name="aws">The <c>Aws:*</c> settings it reads queue depths with (e.g. the emulator's).</param>
    public static OperatorProcess Start(string identity, string kubeconfig, string leaseNamespace,
        (TimeSpan Duration, TimeSpan RenewDeadline, TimeSpan RetryPeriod) lease, IEnumerable<KeyValuePair<string, string?>> aws)
    {
        string[] arguments =
        [
            "--leader-elect",
            "--urls", $"http://127.0.0.1:{FreePorts.One()}",
            $"--Operator:Identity={identity}",
            $"--Operator:LeaseNamespace={leaseNamespace}",
            $"--Operator:LeaseDuration={lease.Duration.ToString("c", CultureInfo.InvariantCulture)}",
            $"--Operator:RenewDeadline={lease.RenewDeadline.ToString("c", CultureInfo.InvariantCulture)}",
            $"--Operator:RetryPeriod={lease.RetryPeriod.ToString("c", CultureInfo.InvariantCulture)}",
        ];
        var environment = new Dictionary<string, string>
        {
            ["KUBECONFIG"] = kubeconfig,
            // Not in a pod: the kubeconfig, not a service-account mount, says where the API is.
            ["KUBERNETES_SERVICE_HOST"] = "",
        };
        foreach (var (key, value) in aws)
            if (value is not null) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return new OperatorProcess(identity, ServiceProcess.Start("operator", arguments, environment));
    }

    /// <summary>How many times it logged that it started autoscaling <paramref name="pool"/> (a name; keys are namespace/name).</summary>
    public int Started(string pool) => Count(StartedLine(), pool);

    /// <summary>How many times it logged that it stopped autoscaling <paramref name="pool"/>.</summary>
    public int Stopped(string pool) => Count(StoppedLine(), pool);

    /// <summary>Autoscalers it runs now for <paramref name="pool"/>: started minus stopped (1 for the leader, 0 for a follower).</summary>
    public int Autoscalers(string pool) => Started(pool) - Stopped(pool);

    private int Count(Regex line, string pool) =>
        line.Matches(Output).Count(m => m.Groups["pool"].Value == pool || m.Groups["pool"].Value.EndsWith("/" + pool, StringComparison.Ordinal));

    // Case matters: "Stopped autoscaling pool" must not count as a start.
    [GeneratedRegex(@"\bAutoscaling pool (?<pool>[A-Za-z0-9./-]+)")]
    private static partial Regex StartedLine();

    [GeneratedRegex(@"\bStopped autoscaling pool (?<pool>[A-Za-z0-9./-]+)")]
    private static partial Regex StoppedLine();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
