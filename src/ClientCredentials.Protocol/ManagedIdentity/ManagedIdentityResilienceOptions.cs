namespace ClientCredentials.Protocol;

/// <summary>
/// Timeouts and retries of managed identity requests, with the rules Microsoft documents for IMDS and MSAL.NET and
/// Azure.Identity apply: 404 (identity being assigned, or IMDS updating), 408, 429 and 5xx are retried with exponential
/// backoff (1 s, 2 s, 4 s); 410 (IMDS being updated, back within 70 s) every 10 s up to 7 times; a
/// <c>Retry-After</c> is honoured; other 4xx are never retried. Validated when the credential is created.
/// </summary>
public sealed record ManagedIdentityResilienceOptions
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>Timeout of one HTTP attempt (an Arc challenge and its answer count as one). Default 20 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Deadline of the whole acquisition, retries included; long enough for IMDS's 70 s update window. Default 100 s; at most 1 hour.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries of 404, 408, 429, 5xx, network failures and attempt timeouts. Default 3 (MSAL.NET's); 0 turns retries off.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first backoff; each later one doubles, up to <see cref="MaxRetryDelay"/>. Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff, and the longest <c>Retry-After</c> waited for. Default 4 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Retries of 410 Gone (IMDS being updated). Default 7.</summary>
    public int MaxGoneRetries { get; init; } = 7;

    /// <summary>The wait before each retry of a 410. Default 10 s (7 × 10 s covers IMDS's 70 s update window).</summary>
    public TimeSpan GoneRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        Require(AttemptTimeout >= MinTimeout, nameof(AttemptTimeout), $"must be at least {MinTimeout.TotalMilliseconds} ms; it was {AttemptTimeout}");
        Require(TotalTimeout >= AttemptTimeout && TotalTimeout <= TimeSpan.FromHours(1), nameof(TotalTimeout), $"must be at least AttemptTimeout ({AttemptTimeout}) and at most 1 hour; it was {TotalTimeout}");
        Require(MaxRetries is >= 0 and <= 10, nameof(MaxRetries), $"must be between 0 and 10; it was {MaxRetries}");
        Require(MaxGoneRetries is >= 0 and <= 20, nameof(MaxGoneRetries), $"must be between 0 and 20; it was {MaxGoneRetries}");
        Require(RetryBaseDelay >= TimeSpan.Zero && RetryBaseDelay <= MaxRetryDelay, nameof(RetryBaseDelay), $"must be between 0 and MaxRetryDelay ({MaxRetryDelay}); it was {RetryBaseDelay}");
        Require(MaxRetryDelay >= TimeSpan.Zero && MaxRetryDelay < TotalTimeout, nameof(MaxRetryDelay), $"must be at least 0 and shorter than TotalTimeout ({TotalTimeout}); it was {MaxRetryDelay}");
        Require(GoneRetryDelay >= TimeSpan.Zero && GoneRetryDelay < TotalTimeout, nameof(GoneRetryDelay), $"must be at least 0 and shorter than TotalTimeout ({TotalTimeout}); it was {GoneRetryDelay}");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ClientCredentialsConfigurationException("ManagedIdentity:Resilience:" + name, $"Managed identity resilience option {name} {rule}.");
        }
    }
}
