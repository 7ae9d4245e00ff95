using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Tests.Infrastructure;

/// <summary>An <see cref="ILogger"/> that keeps every formatted message, for asserting what was (and was not) logged.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<LogRecord> _records = [];
    private readonly SemaphoreSlim _logged = new(0);

    public IReadOnlyList<LogRecord> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_records)
        {
            _records.Add(new LogRecord(logLevel, eventId.Id, formatter(state, exception), exception));
        }

        _logged.Release();
    }

    /// <summary>Waits (at most 10 s, a hang guard) until a record with <paramref name="eventId"/> was logged.</summary>
    public async Task<LogRecord> WaitForAsync(int eventId)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = Records.FirstOrDefault(r => r.EventId == eventId);
            if (found is not null)
            {
                return found;
            }

            await _logged.WaitAsync(guard.Token);
        }
    }
}

internal sealed record LogRecord(LogLevel Level, int EventId, string Message, Exception? Exception);
