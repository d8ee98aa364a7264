namespace ImageRec.Operator.Local;

/// <summary>
/// The kubelet's crash back-off for one worker slot (restartPolicy Always): the first exit restarts at
/// once, each further exit waits twice as long as the one before, from <see cref="LocalModeOptions.CrashBackOffBase"/>
/// up to <see cref="LocalModeOptions.CrashBackOffMax"/> (kubelet: 0, 10 s, 20 s, … 5 min). A process that
/// ran for <see cref="LocalModeOptions.CrashBackOffResetAfter"/> or longer counts as healthy, so its
/// exit starts the sequence over.
/// </summary>
public sealed class CrashBackOff(LocalModeOptions options)
{
    private TimeSpan _next = TimeSpan.Zero;

    /// <summary>Restarts so far (the kubelet's restartCount), counting the one this exit is about to get.</summary>
    public int Restarts { get; private set; }

    /// <summary>Records an exit of a process that ran for <paramref name="ranFor"/>; the wait before restarting it.</summary>
    public TimeSpan OnExit(TimeSpan ranFor)
    {
        if (ranFor >= options.CrashBackOffResetAfter) _next = TimeSpan.Zero;
        var delay = _next;
        _next = _next == TimeSpan.Zero ? options.CrashBackOffBase : TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, options.CrashBackOffMax.Ticks));
        Restarts++;
        return delay;
    }
}
