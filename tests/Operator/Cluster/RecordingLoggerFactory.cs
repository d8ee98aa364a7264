using ImageRec.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ImageRec.Tests.Operator.Cluster;

/// <summary>Hands every category the one <see cref="RecordingLogger"/>, so a test can count the operator's log lines.</summary>
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
