using Polly.Timeout;

namespace ClientCredentials.Protocol;

/// <summary>
/// Runs one token request attempt within <see cref="TokenRequestResilienceOptions.AttemptTimeout"/>, cut short to what
/// is left before the overall deadline (<see cref="TokenRequestResilienceOptions.TotalTimeout"/> after the acquisition
/// began), with one cancellation source per attempt that the caller's token also cancels. An elapsed timeout is
/// reported as Polly's <see cref="TimeoutRejectedException"/> naming the timeout that elapsed, so the retry rules
/// (<see cref="TokenRequestPipeline"/>) and the client's error surface treat it as before, when two Polly timeout
/// strategies (overall, then per attempt) did this with two sources, two timers and two registrations per attempt.
/// </summary>
internal static class AttemptTimeout
{
    /// <summary>Runs <paramref name="attempt"/>; one that finished at once is returned without awaiting it.</summary>
    public static ValueTask<AccessToken> RunAsync<TState>(
        Func<TState, CancellationToken, Task<AccessToken>> attempt,
        TState state,
        DateTimeOffset deadline,
        TokenRequestResilienceOptions options,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var left = deadline - timeProvider.GetUtcNow();
        var (timeout, named) = left < options.AttemptTimeout ? (left, options.TotalTimeout) : (options.AttemptTimeout, options.AttemptTimeout);
        if (timeout <= TimeSpan.Zero)
        {
            throw new TimeoutRejectedException($"The overall deadline ({options.TotalTimeout}) passed before the attempt began.", options.TotalTimeout);
        }

        var timer = new CancellationTokenSource(timeout, timeProvider);
        var caller = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timer);
        Task<AccessToken>? running = null;
        try
        {
            running = attempt(state, timer.Token);
        }
        catch (OperationCanceledException ex) when (TimerCancelled(timer, cancellationToken))
        {
            throw TimedOut(named, ex);
        }
        finally
        {
            if (running is null || running.IsCompletedSuccessfully)
            {
                caller.Dispose();
                timer.Dispose();
            }
        }

        // Stryker disable once Conditional : awaiting a completed attempt gives the same token; the shortcut only spares the state machine
        return running.IsCompletedSuccessfully
            ? new ValueTask<AccessToken>(running.Result)
            : new ValueTask<AccessToken>(AwaitAsync(running, timer, caller, named, cancellationToken));
    }

    /// <summary>Waits for an attempt under way; disposes its timer and the caller's registration when it ends.</summary>
    private static async Task<AccessToken> AwaitAsync(Task<AccessToken> running, CancellationTokenSource timer, CancellationTokenRegistration caller, TimeSpan named, CancellationToken cancellationToken)
    {
        using (timer)
        using (caller)
        {
            try
            {
                return await running.ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (TimerCancelled(timer, cancellationToken))
            {
                throw TimedOut(named, ex);
            }
        }
    }

    /// <summary>The attempt's own timer cancelled it, not the caller.</summary>
    private static bool TimerCancelled(CancellationTokenSource timer, CancellationToken cancellationToken) =>
        timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested;

    /// <summary>Polly's <see cref="TimeoutRejectedException"/> naming the timeout that elapsed.</summary>
    private static TimeoutRejectedException TimedOut(TimeSpan named, OperationCanceledException cancelled) =>
        new($"The attempt did not finish within {named}.", named, cancelled);
}
