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
    public static async ValueTask<AccessToken> RunAsync<TState>(
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

        using var timer = new CancellationTokenSource(timeout, timeProvider);
        using var caller = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timer);
        try
        {
            return await attempt(state, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutRejectedException($"The attempt did not finish within {named}.", named, ex);
        }
    }
}
