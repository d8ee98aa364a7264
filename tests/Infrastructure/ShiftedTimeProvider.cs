namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// The machine's clock, shifted by <see cref="Shift"/>, with real timers: for code whose loops must keep running
/// while it believes it is later (a sweeper seeing jobs as stalled) or earlier (a provider issuing tokens that are
/// already expired). Where a test must also control when timers fire, <see cref="ManualTimeProvider"/>.
/// </summary>
internal sealed class ShiftedTimeProvider(TimeSpan shift = default) : TimeProvider
{
    public TimeSpan Shift { get; set; } = shift;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
}
