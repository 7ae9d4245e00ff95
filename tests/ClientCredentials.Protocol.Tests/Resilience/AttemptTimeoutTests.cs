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
        Assert.Equal("The overall deadline (00:00:30) passed before the attempt began.", rejected.Message);
    }

    [Fact]
    public async Task An_elapsed_attempt_names_the_timeout_in_its_message()
    {
        var rejected = await RejectionOfAHangingAttemptAsync(timeLeft: Options.TotalTimeout);
        Assert.Equal("The attempt did not finish within 00:00:10.", rejected.Message);
        Assert.IsType<OperationCanceledException>(rejected.InnerException, exactMatch: false);
    }

    [Fact]
    public async Task With_exactly_the_attempt_timeout_left_the_attempt_timeout_is_the_one_named()
    {
        var rejected = await RejectionOfAHangingAttemptAsync(timeLeft: Options.AttemptTimeout);
        Assert.Equal(Options.AttemptTimeout, rejected.Timeout);
    }

    /// <summary>Starts an attempt that hangs, with <paramref name="timeLeft"/> until the overall deadline, and lets the attempt timeout pass.</summary>
    private static async Task<TimeoutRejectedException> RejectionOfAHangingAttemptAsync(TimeSpan timeLeft)
    {
        var clock = new TestClock();
        var started = new TaskCompletionSource();
        var run = AttemptTimeout.RunAsync(Hang, started, clock.GetUtcNow() + timeLeft, Options, clock, CancellationToken.None).AsTask();
        await started.Task;

        clock.Advance(Options.AttemptTimeout);

        return await Assert.ThrowsAsync<TimeoutRejectedException>(() => run.WaitAsync(FailureGuard));
    }

    [Fact]
    public async Task An_attempt_cancelled_by_its_timer_before_it_returns_is_rejected_naming_the_timeout()
    {
        var clock = new TestClock();

        var rejected = await Assert.ThrowsAsync<TimeoutRejectedException>(() => AttemptTimeout.RunAsync<object?>(
            (_, cancellationToken) =>
            {
                clock.Advance(Options.AttemptTimeout);
                cancellationToken.ThrowIfCancellationRequested();
                return Task.FromResult<AccessToken>(null!);
            },
            null,
            clock.GetUtcNow() + Options.TotalTimeout,
            Options,
            clock,
            CancellationToken.None).AsTask());

        Assert.Equal(Options.AttemptTimeout, rejected.Timeout);
    }

    [Fact]
    public async Task An_attempt_that_finished_at_once_leaves_no_timer_and_no_registration_behind()
    {
        var clock = new TestClock();
        using var caller = new CancellationTokenSource();
        var attemptToken = CancellationToken.None;
        var token = new AccessToken("t", "Bearer", clock.GetUtcNow().AddHours(1), null, null, ["s"], null, TokenSource.IdentityProvider);

        var result = AttemptTimeout.RunAsync<object?>(
            (_, cancellationToken) =>
            {
                attemptToken = cancellationToken;
                return Task.FromResult(token);
            },
            null,
            clock.GetUtcNow() + Options.TotalTimeout,
            Options,
            clock,
            caller.Token);

        Assert.True(result.IsCompletedSuccessfully);
        Assert.Same(token, await result);
        clock.Advance(Options.TotalTimeout);
        Assert.False(attemptToken.IsCancellationRequested, "the attempt's timer was disposed with the attempt");
        await caller.CancelAsync();
        Assert.False(attemptToken.IsCancellationRequested, "the caller's registration was disposed with the attempt");
    }

    [Fact]
    public async Task An_attempt_under_way_disposes_its_timer_when_it_ends()
    {
        var clock = new TestClock();
        var answer = new TaskCompletionSource<AccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attemptToken = CancellationToken.None;
        var token = new AccessToken("t", "Bearer", clock.GetUtcNow().AddHours(1), null, null, ["s"], null, TokenSource.IdentityProvider);

        var result = AttemptTimeout.RunAsync<object?>(
            (_, cancellationToken) =>
            {
                attemptToken = cancellationToken;
                return answer.Task;
            },
            null,
            clock.GetUtcNow() + Options.TotalTimeout,
            Options,
            clock,
            CancellationToken.None);

        Assert.False(result.IsCompleted);
        answer.SetResult(token);
        Assert.Same(token, await result.AsTask().WaitAsync(FailureGuard));
        clock.Advance(Options.TotalTimeout);
        Assert.False(attemptToken.IsCancellationRequested, "the attempt's timer was disposed with the attempt");
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
