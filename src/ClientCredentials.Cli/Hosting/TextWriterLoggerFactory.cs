using Microsoft.Extensions.Logging;

namespace ClientCredentials.Cli.Hosting;

/// <summary>
/// A minimal logger factory that writes one line per event to a <see cref="TextWriter"/> (standard error), for the
/// standalone emulator. The emulator logs ids and AADSTS codes only, never secrets or tokens.
/// </summary>
internal sealed class TextWriterLoggerFactory(TextWriter writer, TimeProvider timeProvider, LogLevel minimum) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new TextWriterLogger(writer, timeProvider, minimum);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("This logger factory writes to one TextWriter only.");

    public void Dispose()
    {
    }

    private sealed class TextWriterLogger(TextWriter writer, TimeProvider timeProvider, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{timeProvider.GetUtcNow():HH:mm:ss} {logLevel,-11} {formatter(state, exception)}";
            lock (writer)
            {
                writer.WriteLine(line);
            }
        }
    }
}
