using Microsoft.Extensions.Time.Testing;

namespace ClientCredentials.Protocol.Testing;

/// <summary>
/// The tests' clock is <see cref="FakeTimeProvider"/> (Microsoft.Extensions.TimeProvider.Testing): it moves only on
/// <see cref="FakeTimeProvider.Advance"/>, which fires the timers that fall due, in order, on the calling thread. This
/// subclass adds one thing tests need to avoid guessing: a signal when the code under test starts a timer (a retry
/// backoff, a timeout, a simulated latency), so a test advances the clock exactly when something waits on it.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    /// <summary>Where a test clock starts unless a test needs the real date: 2026-01-01 00:00 UTC.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _timersLock = new();
    private readonly List<TimeSpan> _requestedDueTimes = [];
    private readonly List<(Func<TimeSpan, bool> Match, TaskCompletionSource<TimeSpan> Signal)> _waiters = [];

    /// <summary>A clock at <see cref="DefaultStart"/>.</summary>
    public TestClock()
        : this(DefaultStart)
    {
    }

    /// <summary>A clock at <paramref name="start"/>.</summary>
    public TestClock(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>The due times of every timer started on this clock so far, in order (infinite ones excluded).</summary>
    public IReadOnlyList<TimeSpan> RequestedDueTimes
    {
        get
        {
            lock (_timersLock)
            {
                return [.. _requestedDueTimes];
            }
        }
    }

    /// <summary>
    /// Completes when a timer whose due time satisfies <paramref name="dueTime"/> has been started on this clock
    /// (already or later), with that due time. Gives up after 10 s of real time, so a test fails instead of hanging.
    /// </summary>
    public async Task<TimeSpan> WaitForTimerAsync(Func<TimeSpan, bool> dueTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dueTime);
        var signal = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_timersLock)
        {
            var started = _requestedDueTimes.Where(dueTime).Cast<TimeSpan?>().FirstOrDefault();
            if (started is { } due)
            {
                return due;
            }

            _waiters.Add((dueTime, signal));
        }

        try
        {
            return await signal.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching timer was started on the test clock within 10 s; timers started: {string.Join(", ", RequestedDueTimes)}.");
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this, base.CreateTimer(callback, state, dueTime, period));
        Started(dueTime);
        return timer;
    }

    /// <summary>Records a timer's due time (also when an existing timer is re-armed) and wakes the waiters it matches.</summary>
    private void Started(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        List<TaskCompletionSource<TimeSpan>> matched;
        lock (_timersLock)
        {
            _requestedDueTimes.Add(dueTime);
            matched = [.. _waiters.Where(w => w.Match(dueTime)).Select(w => w.Signal)];
            _waiters.RemoveAll(w => matched.Contains(w.Signal));
        }

        matched.ForEach(signal => signal.TrySetResult(dueTime));
    }

    /// <summary>The fake clock's timer, reporting re-arming (<c>CancellationTokenSource.CancelAfter</c> does that).</summary>
    private sealed class WatchedTimer(TestClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Started(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
