namespace ImageRec.LoadGen;

/// <summary>Progress on stderr: a redrawn bar when stderr is a terminal, otherwise a plain line every
/// few seconds (logs and CI output stay readable).</summary>
public sealed class Progress : IAsyncDisposable
{
    private readonly int _total;
    private readonly Func<(int Done, int Errors)> _read;
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public Progress(int total, Func<(int Done, int Errors)> read)
    {
        _total = total;
        _read = read;
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        var period = _terminal ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(5);
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) Draw(final: false);
        }
        catch (OperationCanceledException) { }
    }

    private void Draw(bool final)
    {
        var (done, errors) = _read();
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var rate = seconds > 0 ? done / seconds : 0;
        if (_terminal)
        {
            const int width = 40;
            var filled = _total == 0 ? width : (int)((long)done * width / _total);
            var bar = new string('#', filled) + new string('.', width - filled);
            Console.Error.Write($"\r[{bar}] {done}/{_total} {rate,7:0.0} req/s  errors {errors}  {seconds,6:0.0} s ");
            if (final) Console.Error.WriteLine();
        }
        else if (!final)
            Console.Error.WriteLine($"loadgen: {done}/{_total} answered, {errors} errors, {rate:0.0} req/s, {seconds:0.0} s");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Draw(final: true);
        _stop.Dispose();
    }
}
