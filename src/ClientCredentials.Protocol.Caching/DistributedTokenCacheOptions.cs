namespace ClientCredentials.Protocol.Caching;

/// <summary>
/// How the <see cref="DistributedTokenCache"/> names, bounds and coordinates its store calls. Checked when the cache is
/// created; a mistake is a <see cref="ClientCredentialsConfigurationException"/> naming the option.
/// </summary>
public sealed record DistributedTokenCacheOptions
{
    /// <summary>The most <see cref="OperationTimeout"/> and <see cref="BreakDuration"/> accepted.</summary>
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Put before every key this cache writes (values, leases, the notification channel), so that several applications
    /// can share one store. Keys are this prefix and a SHA-256 of the cache key: no client id, scope or token in clear.
    /// Default <c>ccp:</c>; at most 128 characters, no whitespace or control characters.
    /// </summary>
    public string KeyPrefix { get; init; } = "ccp:";

    /// <summary>
    /// How long one store call (read, write, remove, lease) may take before it counts as a miss. Short, because a token
    /// from the endpoint is only a few hundred milliseconds away. Default 50 ms.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long the store is left alone after it failed or timed out on half of at least
    /// <see cref="BreakerMinimumThroughput"/> calls within 10 seconds: tokens come from memory and the endpoint meanwhile,
    /// then one trial call decides. Default 15 seconds.
    /// </summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The fewest store calls within 10 seconds before failures can open the circuit. Default 4; at least 2.</summary>
    public int BreakerMinimumThroughput { get; init; } = 4;

    /// <summary>
    /// On Redis, one token request per key for the whole fleet: the instance that takes a lease on the key asks the token
    /// endpoint and stores the token; the others wait for it (<see cref="LeaseDuration"/> at most). Default true.
    /// Ignored on an <c>IDistributedCache</c>, which has no atomic lease.
    /// </summary>
    public bool FleetSingleFlight { get; init; } = true;

    /// <summary>
    /// The longest a lease holds (Redis <c>SET NX PX</c>), and so the longest another instance waits for its token before
    /// asking the endpoint itself; never longer than the shared request's remaining deadline. The holder gives the
    /// lease back as soon as it has stored the token or failed. Default 10 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a waiting instance looks for the token when no notification came (the holder announces it on a
    /// pub/sub channel; polling covers a lost message or a holder that died). Default 200 ms.
    /// </summary>
    public TimeSpan LeasePollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Throws <see cref="ClientCredentialsConfigurationException"/> naming the first invalid option.</summary>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.Length > 128 || KeyPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw Invalid(nameof(KeyPrefix), "must be 1 to 128 characters without whitespace or control characters, for example \"ccp:\" or \"myapp:tokens:\".");
        }

        CheckPositive(nameof(OperationTimeout), OperationTimeout);
        CheckPositive(nameof(BreakDuration), BreakDuration);
        if (BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            throw Invalid(nameof(BreakDuration), $"must be at least 500 ms (the circuit breaker's least break); it was {BreakDuration}.");
        }

        if (BreakerMinimumThroughput < 2)
        {
            throw Invalid(nameof(BreakerMinimumThroughput), $"must be at least 2; it was {BreakerMinimumThroughput}.");
        }

        if (LeaseDuration <= TimeSpan.Zero || LeaseDuration > TimeSpan.FromHours(1))
        {
            throw Invalid(nameof(LeaseDuration), $"must be positive and at most 1 hour; it was {LeaseDuration}.");
        }

        if (LeasePollInterval < TimeSpan.FromMilliseconds(10) || LeasePollInterval > LeaseDuration)
        {
            throw Invalid(nameof(LeasePollInterval), $"must be at least 10 ms and at most LeaseDuration ({LeaseDuration}); it was {LeasePollInterval}.");
        }
    }

    private static void CheckPositive(string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            throw Invalid(option, $"must be positive and at most {MaxTimeout}; it was {value}.");
        }
    }

    private static ClientCredentialsConfigurationException Invalid(string option, string problem) =>
        new($"{nameof(DistributedTokenCacheOptions)}.{option}", $"{nameof(DistributedTokenCacheOptions)}.{option} {problem}");
}
