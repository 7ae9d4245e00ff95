using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ClientCredentials.Protocol;

/// <summary>
/// Builds the Polly v8 pipeline that retries token request attempts after transient failures; each attempt runs within
/// its timeout and the overall deadline (<see cref="AttemptTimeout"/>, which the client applies around it). The n-th
/// retry waits <c>RetryBaseDelay × 2^(n−1)</c>, jittered by ±20 %; 429/503 with a short <c>Retry-After</c> are waited
/// for exactly and retried once; a long one fails at once. A retry whose wait would end at or after the overall
/// deadline is not made: the caller gets the last failure at once rather than a timeout that hides it. Other 4xx are
/// never retried, nor is 429 without <c>Retry-After</c> (as MSAL). Built once per client.
/// </summary>
internal static class TokenRequestPipeline
{
    /// <summary>When the overall deadline passes; set by the caller on the context of each acquisition.</summary>
    // Stryker disable once String : a key name only has to differ from the other keys on the context; "" does too
    internal static readonly ResiliencePropertyKey<DateTimeOffset> Deadline = new("clientcredentials.deadline");

    // Stryker disable once String : a key name only has to differ from the other keys on the context; "" does too
    private static readonly ResiliencePropertyKey<bool> RetryAfterHonoured = new("clientcredentials.retry-after-honoured");
    // Stryker disable once String : a key name only has to differ from the other keys on the context; "" does too
    private static readonly ResiliencePropertyKey<TimeSpan> NextDelay = new("clientcredentials.next-delay");

    /// <summary>Doublings stop here, so a large attempt number cannot overflow the delay (the deadline ends it anyway).</summary>
    private const int MaxDoublings = 16;

    public static ResiliencePipeline<AccessToken> Build(TokenRequestResilienceOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<AccessToken> { TimeProvider = timeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<AccessToken>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(PlanRetry(args.Outcome.Exception, args.AttemptNumber, args.Context, options, timeProvider)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(NextDelay, TimeSpan.Zero)),
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// The n-th retry's backoff (<paramref name="attempt"/> = n − 1): <c>baseDelay × 2^attempt × f</c>, f uniform in
    /// [0.8, 1.2), so that many clients failing together do not retry in step.
    /// </summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan baseDelay, double random) =>
        baseDelay * (Math.Pow(2, Math.Min(attempt, MaxDoublings)) * (0.8 + (0.4 * random)));

    /// <summary>
    /// Decides whether the failure of attempt <paramref name="attempt"/> (0 = the first) is retried and, if so, records
    /// the wait: a short server wait exactly, once per acquisition; otherwise the backoff. No retry when the wait would
    /// reach the deadline.
    /// </summary>
    private static bool PlanRetry(Exception? exception, int attempt, ResilienceContext context, TokenRequestResilienceOptions options, TimeProvider timeProvider)
    {
        TimeSpan delay;
        var serverWait = RetryAfterOf(exception);
        if (serverWait is { } wait)
        {
            if (wait > options.MaxRetryAfterWait || context.Properties.GetValue(RetryAfterHonoured, false))
            {
                return false;
            }

            delay = wait;
        }
        else if (IsRetried(exception))
        {
            delay = Backoff(attempt, options.RetryBaseDelay, Random.Shared.NextDouble());
        }
        else
        {
            return false;
        }

        if (context.Properties.TryGetValue(Deadline, out var deadline) && timeProvider.GetUtcNow() + delay >= deadline)
        {
            return false;
        }

        if (serverWait is not null)
        {
            context.Properties.Set(RetryAfterHonoured, true);
        }

        context.Properties.Set(NextDelay, delay);
        return true;
    }

    /// <summary>
    /// Network failures and attempt timeouts; every other transient error except 429, which MSAL and AAD treat as
    /// "back off", never "try again now" (a 429 with a short <c>Retry-After</c> is handled before this).
    /// </summary>
    private static bool IsRetried(Exception? exception) => exception switch
    {
        TimeoutRejectedException => true,
        TokenEndpointUnreachableException => true,
        TokenEndpointException error => error.IsTransient && error.StatusCode != HttpStatusCode.TooManyRequests,
        _ => false,
    };

    private static TimeSpan? RetryAfterOf(Exception? exception) =>
        exception is TokenEndpointException error ? error.Details.ServerRequestedWait : null;
}
