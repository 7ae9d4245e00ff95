using ClientCredentials.Protocol.Testing;
using Polly.Timeout;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// Each attempt runs within AttemptTimeout, cut short to what is left of the overall deadline; an elapsed timeout names
/// the one that elapsed (the client's message says which), and the caller's own cancellation stays a cancellation.
/// </summary>
public class AttemptTimeoutTests
{
    private static readonly TokenRequestResilienceOptions Options = new() { AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(30) };

    // Only for a broken build: a run that never ends fails the test with a TimeoutException instead of hanging it.
    private static readonly TimeSpan FailureGuard = TimeSpan.FromSeconds(30);

    private static Task<AccessToken> Hang(TaskCompletionSource started, CancellationToken cancellationToken)
    {
        started.TrySetResult();
        return Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<AccessToken>(_ => throw new OperationCanceledException(cancellationToken), TaskScheduler.Default);
    }

    [Fact]
    public async Task An_attempt_that_outlasts_the_attempt_timeout_is_rejected_naming_it()
    {
        var clock = new TestClock();
        var started = new TaskCompletionSource();
        var run = AttemptTimeout.RunAsync(Hang, started, clock.GetUtcNow() + Options.TotalTimeout, Options, clock, CancellationToken.None).AsTask();
        await started.Task;

        clock.Advance(Options.AttemptTimeout - TimeSpan.FromTicks(1));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));

        var rejected = await Assert.ThrowsAsync<TimeoutRejectedException>(() => run.WaitAsync(FailureGuard));
        Assert.Equal(Options.AttemptTimeout, rejected.Timeout);
    }

    [Fact]
    public async Task The_last_attempt_is_cut_to_the_time_left_and_rejected_naming_the_overall_deadline()
    {
        var clock = new TestClock();
        var started = new TaskCompletionSource();
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(3);
        var run = AttemptTimeout.RunAsync(Hang, started, deadline, Options, clock, CancellationToken.None).AsTask();
        await started.Task;

        clock.Advance(TimeSpan.FromSeconds(3));

        var rejected = await Assert.ThrowsAsync<TimeoutRejectedException>(() => run.WaitAsync(FailureGuard));
        Assert.Equal(Options.TotalTimeout, rejected.Timeout);
    }

    [Fact]
    public async Task No_attempt_starts_after_the_deadline()
    {
        var clock = new TestClock();
        var calls = 0;
        var rejected = await Assert.ThrowsAsync<TimeoutRejectedException>(() => AttemptTimeout.RunAsync<object?>(
            (_, _) => { calls++; return Task.FromResult<AccessToken>(null!); }, null, clock.GetUtcNow(), Options, clock, CancellationToken.None).AsTask());

        Assert.Equal(0, calls);
        Assert.Equal(Options.TotalTimeout, rejected.Timeout);
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        var clock = new TestClock();
        var started = new TaskCompletionSource();
        using var caller = new CancellationTokenSource();
        var run = AttemptTimeout.RunAsync(Hang, started, clock.GetUtcNow() + Options.TotalTimeout, Options, clock, caller.Token).AsTask();
        await started.Task;

        await caller.CancelAsync();

        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(FailureGuard));
        Assert.IsNotType<TimeoutRejectedException>(cancelled);
    }
}
