namespace ClientCredentials.Protocol;

/// <summary>
/// The answer of a <see cref="TokenCacheSecondLevel"/>: a token, and — when it came from the second level rather than
/// from <see cref="SecondLevelLookup.AcquireAsync"/> — the fresh window it was stored with, which the memory cache then
/// keeps, so that every instance serves a token until the same instant.
/// </summary>
public sealed class SecondLevelToken
{
    private SecondLevelToken(AccessToken token, DateTimeOffset? storedFreshUntil)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
        StoredFreshUntil = storedFreshUntil;
    }

    /// <summary>The token.</summary>
    public AccessToken Token { get; }

    /// <summary>The stored fresh window of a token read from the second level; null for one just acquired.</summary>
    public DateTimeOffset? StoredFreshUntil { get; }

    /// <summary>A token <see cref="SecondLevelLookup.AcquireAsync"/> just returned: the memory cache applies its own rules to it.</summary>
    public static SecondLevelToken Acquired(AccessToken token) => new(token, storedFreshUntil: null);

    /// <summary>
    /// A token read from the second level, fresh until <paramref name="freshUntil"/> (what
    /// <see cref="SecondLevelLookup.FreshUntil"/> gave when it was stored). Its <see cref="AccessToken.Source"/> should be
    /// <see cref="TokenSource.DistributedCache"/>.
    /// </summary>
    public static SecondLevelToken Stored(AccessToken token, DateTimeOffset freshUntil) => new(token, freshUntil);
}
