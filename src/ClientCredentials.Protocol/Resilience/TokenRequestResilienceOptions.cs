namespace ClientCredentials.Protocol;

/// <summary>
/// Timeouts and retries around token requests. Defaults are short, unlike HttpClient's 100 s: a daemon should learn
/// within seconds that the identity provider is down. Validated when the client is built.
/// </summary>
public sealed record TokenRequestResilienceOptions
{
    /// <summary>The shortest timeout Polly's timeout strategy accepts.</summary>
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest overall deadline: the token cache's backstop for a shared request is at most 1 hour.</summary>
    private static readonly TimeSpan MaxTotalTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// Timeout of one HTTP attempt, body included. An attempt that times out is retried like a network failure; when
    /// the last one times out the caller gets <see cref="TokenEndpointUnreachableException"/> with
    /// <see cref="TokenEndpointUnreachableException.TimedOut"/> set. Default 10 s; at least 10 ms.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Deadline of the whole acquisition, retries and waits included; when it elapses the caller gets
    /// <see cref="TokenEndpointUnreachableException"/> with <see cref="TokenEndpointUnreachableException.TimedOut"/> set.
    /// A cache the client creates itself lets a shared request run 5 s longer than this, so this deadline is the one
    /// that elapses. A shared <see cref="TokenCache"/> or explicit <see cref="TokenCacheOptions"/> whose
    /// <see cref="TokenCacheOptions.SharedRequestTimeout"/> is shorter cuts the request first; the caller then gets the
    /// same exception, with the cache's <see cref="TokenRequestTimeoutException"/> as its inner exception.
    /// Default 30 s; at most 1 hour.
    /// </summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retries of transient failures (5xx, 408, network errors, attempt timeouts); other 4xx are never retried. Default 2;
    /// 0 turns every retry off, the <c>Retry-After</c> one included.
    /// </summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>
    /// First backoff delay: the n-th retry waits <c>RetryBaseDelay × 2^(n−1)</c>, jittered by ±20 %. A retry whose wait
    /// would end at or after the <see cref="TotalTimeout"/> deadline is not made; the last failure is reported at once.
    /// Default 500 ms.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest <c>Retry-After</c> (on 429 or 503) worth waiting for within one call: a shorter wait is waited and
    /// retried once; a longer one fails at once, with the wait on the error. Default 2 s.
    /// </summary>
    public TimeSpan MaxRetryAfterWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest client-side throttling window a <c>Retry-After</c> can impose. Default and maximum 1 hour.</summary>
    public TimeSpan MaxThrottleWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The window after AADSTS50196 ("loop detected") when the server gives no <c>Retry-After</c>. Default 60 s.</summary>
    public TimeSpan LoopDetectedWindow { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        Require(AttemptTimeout >= MinTimeout, nameof(AttemptTimeout), $"must be at least {MinTimeout.TotalMilliseconds} ms; it was {AttemptTimeout}");
        Require(TotalTimeout >= AttemptTimeout && TotalTimeout <= MaxTotalTimeout, nameof(TotalTimeout), $"must be at least AttemptTimeout ({AttemptTimeout}) and at most 1 hour; it was {TotalTimeout}");
        Require(MaxRetries is >= 0 and <= 10, nameof(MaxRetries), $"must be between 0 and 10; it was {MaxRetries}");
        Require(RetryBaseDelay >= TimeSpan.Zero && RetryBaseDelay <= TotalTimeout, nameof(RetryBaseDelay), $"must be between 0 and TotalTimeout ({TotalTimeout}); it was {RetryBaseDelay}");
        Require(MaxRetryAfterWait >= TimeSpan.Zero && MaxRetryAfterWait < TotalTimeout, nameof(MaxRetryAfterWait), $"must be at least 0 and shorter than TotalTimeout ({TotalTimeout}), which would cut the wait short; it was {MaxRetryAfterWait}");
        Require(MaxThrottleWindow >= TimeSpan.Zero && MaxThrottleWindow <= TimeSpan.FromHours(1), nameof(MaxThrottleWindow), "must be between 0 and 1 hour");
        Require(LoopDetectedWindow >= TimeSpan.Zero && LoopDetectedWindow <= MaxThrottleWindow, nameof(LoopDetectedWindow), "must be between 0 and MaxThrottleWindow");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ClientCredentialsConfigurationException("Resilience:" + name, $"Resilience option {name} {rule}.");
        }
    }
}
