using System.Globalization;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// A `make run` stack of its own for one chaos test class (the test disrupts it): every service reaches
/// the emulator through a <see cref="FaultProxy"/>, and received jobs stay hidden for only
/// <see cref="VisibilityTimeoutSeconds"/>, so a killed worker's jobs come back within the test.
/// The test itself reads the queues directly from the emulator, past the proxy (<see cref="LocalStackFixture.QueueDepthAsync"/>).
/// </summary>
public sealed class ChaosStackFixture : LocalStackFixture
{
    public const int VisibilityTimeoutSeconds = 10;

    public FaultProxy Proxy { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> environment)
    {
        Proxy = await FaultProxy.StartAsync(Emulator);
        environment["VISIBILITY_TIMEOUT"] = VisibilityTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        environment["SERVICES_ENDPOINT"] = Proxy.Address.ToString().TrimEnd('/');
    }

    /// <summary>Jobs the running workers received more than once (a dead worker's count is gone with it).</summary>
    public async Task<long> RedeliveredJobsAsync() =>
        (long)(await LocalWorkers.ScrapeAsync(this)).Sum(s => LocalWorkers.Value(s.Metrics, "imagerec_worker_jobs_redelivered_total"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Proxy is not null) await Proxy.DisposeAsync();
    }
}
