using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Security.Tests.Infrastructure;

/// <summary>Captures every log event at every level (Trace included), formatted, for assertions on what reached the log.</summary>
public sealed class CapturedLogs : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedEvent> _events = new();

    public IReadOnlyList<CapturedEvent> Events => _events.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._events.Enqueue(new CapturedEvent(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}

public sealed record CapturedEvent(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);
