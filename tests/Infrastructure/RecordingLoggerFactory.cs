using Microsoft.Extensions.Logging;

namespace ImageRec.Tests.Infrastructure;

/// <summary>Hands every category the one <see cref="RecordingLogger"/>, so a test can count a service's log lines.</summary>
internal sealed class RecordingLoggerFactory(RecordingLogger logger) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
