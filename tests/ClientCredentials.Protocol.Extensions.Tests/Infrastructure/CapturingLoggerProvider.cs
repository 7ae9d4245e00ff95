using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Extensions.Tests.Infrastructure;

/// <summary>Keeps every log entry (category, event id, level, formatted message, exception text).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, eventId.Id, logLevel, formatter(state, exception), exception?.ToString()));
    }
}

public sealed record LogEntry(string Category, int EventId, LogLevel Level, string Message, string? Exception);
