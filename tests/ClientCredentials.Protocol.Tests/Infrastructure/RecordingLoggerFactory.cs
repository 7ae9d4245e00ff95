using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Tests.Infrastructure;

/// <summary>An <see cref="ILoggerFactory"/> whose every logger is one <see cref="RecordingLogger"/>, for a client's options.</summary>
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
