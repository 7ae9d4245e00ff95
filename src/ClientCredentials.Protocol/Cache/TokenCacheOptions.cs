namespace ClientCredentials.Protocol;

/// <summary>
/// How the <see cref="TokenCache"/> decides when a token is fresh, when to refresh it ahead of expiry, how many
/// tokens it keeps, and how long one shared token request may take. Checked when a cache is created.
/// </summary>
public sealed record TokenCacheOptions
{
    /// <summary>The largest <see cref="SharedRequestTimeout"/> accepted.</summary>
    internal static readonly TimeSpan MaxSharedRequestTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// A cached token is served while now &lt; <c>ExpiresOn − ExpiryBuffer</c>, so it is never sent just as it
    /// expires. A token that lives less than twice the buffer uses half its lifetime instead. Default 5 minutes, as MSAL.
    /// </summary>
    public TimeSpan ExpiryBuffer { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When the token carries no <see cref="AccessToken.RefreshOn"/> (AAD's <c>refresh_in</c>), the fraction of its
    /// lifetime, counted from when the cache stored it, after which a hit starts one background refresh while
    /// still returning the cached token. Default 0.5 (half-life, as AAD's <c>refresh_in</c> and MSAL's inference);
    /// must be greater than 0 and at most 1, where 1 means no refresh before the expiry buffer.
    /// </summary>
    public double RefreshAheadAt { get; init; } = 0.5;

    /// <summary>
    /// The most tokens kept. Beyond it, tokens that can no longer be served are removed first, then the least
    /// recently used, down to 90 % of the limit. Default 10,000.
    /// </summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>
    /// When true and the token endpoint fails transiently, a cached token is served (flagged
    /// <see cref="AccessToken.IsExtendedLifetime"/>) until AAD's <c>ext_expires_in</c> rather than only until
    /// <see cref="AccessToken.ExpiresOn"/>. Default false.
    /// </summary>
    public bool UseExtendedLifetime { get; init; }

    /// <summary>
    /// How long one shared (single-flight) token request may take, independent of the callers' cancellation
    /// tokens. When it elapses the request is cancelled and every waiter gets a <see cref="TokenRequestTimeoutException"/>.
    /// Default 30 seconds; at most 1 hour.
    /// </summary>
    public TimeSpan SharedRequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A second cache level consulted inside the single flight between a memory miss and the token endpoint, and before
    /// a background refresh ahead of expiry (another instance may have refreshed the token), and told about every new
    /// token and every rejected one (package <c>ClientCredentials.Protocol.Caching</c>: a distributed
    /// cache shared by a fleet). A hit never reaches it. Default null: memory only.
    /// </summary>
    public TokenCacheSecondLevel? SecondLevel { get; init; }

    /// <summary>Throws <see cref="ClientCredentialsConfigurationException"/> naming the first invalid option.</summary>
    internal void Validate()
    {
        if (ExpiryBuffer < TimeSpan.Zero)
        {
            throw Invalid(nameof(ExpiryBuffer), $"must be zero or positive; it was {ExpiryBuffer}.");
        }

        if (double.IsNaN(RefreshAheadAt) || RefreshAheadAt <= 0 || RefreshAheadAt > 1)
        {
            throw Invalid(nameof(RefreshAheadAt), $"must be greater than 0 and at most 1 (a fraction of the token lifetime, 0.5 = half-life); it was {RefreshAheadAt}.");
        }

        if (MaxEntries < 1)
        {
            throw Invalid(nameof(MaxEntries), $"must be at least 1; it was {MaxEntries}.");
        }

        if (SharedRequestTimeout <= TimeSpan.Zero || SharedRequestTimeout > MaxSharedRequestTimeout)
        {
            throw Invalid(nameof(SharedRequestTimeout), $"must be positive and at most {MaxSharedRequestTimeout}; it was {SharedRequestTimeout}.");
        }
    }

    private static ClientCredentialsConfigurationException Invalid(string option, string problem) =>
        new($"{nameof(TokenCacheOptions)}.{option}", $"{nameof(TokenCacheOptions)}.{option} {problem}");
}
