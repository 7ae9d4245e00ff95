namespace ClientCredentials.Protocol;

/// <summary>
/// Timeouts and retries around token requests. Defaults are short, unlike HttpClient's 100 s: a daemon should learn
/// within seconds that the identity provider is down. Validated when the client is built.
/// </summary>
public sealed record TokenRequestResilienceOptions
{
    /// <summary>Timeout of one HTTP attempt. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of the whole acquisition, retries and waits included. Default 30 s.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of transient failures (5xx, 408, network errors, attempt timeouts). Default 2; 0 turns retries off.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First backoff delay; later ones grow exponentially, with jitter. Default 500 ms.</summary>
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
        Require(AttemptTimeout > TimeSpan.Zero, nameof(AttemptTimeout), "must be positive");
        Require(TotalTimeout >= AttemptTimeout, nameof(TotalTimeout), $"must be at least AttemptTimeout ({AttemptTimeout})");
        Require(MaxRetries is >= 0 and <= 10, nameof(MaxRetries), "must be between 0 and 10");
        Require(RetryBaseDelay >= TimeSpan.Zero, nameof(RetryBaseDelay), "must not be negative");
        Require(MaxRetryAfterWait >= TimeSpan.Zero, nameof(MaxRetryAfterWait), "must not be negative");
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
