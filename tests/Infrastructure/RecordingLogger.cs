using Microsoft.Extensions.Logging;

namespace ImageRec.Tests.Infrastructure;

/// <summary>A logger that keeps what it is given, message and structured values alike, for assertions on log lines.</summary>
public sealed class RecordingLogger : ILogger
{
    public sealed record Entry(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values);

    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries { get { lock (_entries) return [.. _entries]; } }

    public IEnumerable<string> Warnings => Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = (state as IEnumerable<KeyValuePair<string, object?>> ?? []).DistinctBy(v => v.Key).ToDictionary(v => v.Key, v => v.Value);
        lock (_entries) _entries.Add(new Entry(logLevel, formatter(state, exception), values));
    }
}
