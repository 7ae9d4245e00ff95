namespace ClientCredentials.Protocol;

/// <summary>
/// A second cache level behind the in-memory <see cref="TokenCache"/>, for example a distributed store shared by every
/// instance of a service (package <c>ClientCredentials.Protocol.Caching</c>). The memory cache answers hits itself and
/// never calls it on a hit; on a miss, a background refresh or a forced refresh it calls
/// <see cref="GetOrAcquireAsync"/> inside its single flight for the key, and it reports every token a resource rejected
/// to <see cref="InvalidateAsync"/>. Set it with <see cref="TokenCacheOptions.SecondLevel"/>.
/// </summary>
/// <remarks>
/// An implementation must never fail a caller because of its own store: a store error is a miss. It must not return a
/// token after <see cref="InvalidateAsync"/> was called for it, and it must not keep a token beyond the fresh window
/// the memory cache gives it (<see cref="SecondLevelLookup.FreshUntil"/>).
/// </remarks>
public abstract class TokenCacheSecondLevel
{
    /// <summary>
    /// Returns a fresh token for <paramref name="lookup"/>: one from this level, or the one
    /// <see cref="SecondLevelLookup.AcquireAsync"/> gets from the token endpoint (which this level then stores).
    /// Errors of <see cref="SecondLevelLookup.AcquireAsync"/> propagate unchanged. <paramref name="cancellationToken"/> is
    /// the shared request's deadline (<see cref="TokenCacheOptions.SharedRequestTimeout"/>), never one caller's.
    /// </summary>
    public abstract Task<SecondLevelToken> GetOrAcquireAsync(SecondLevelLookup lookup, CancellationToken cancellationToken);

    /// <summary>
    /// A resource rejected <paramref name="rejected"/> (a 401), cached under <paramref name="cacheKey"/>
    /// (<see cref="SecondLevelLookup.CacheKey"/>): remove this level's copy if it is still that token (another instance
    /// may have stored a new one). From the moment this is called, <see cref="GetOrAcquireAsync"/> must not return
    /// <paramref name="rejected"/>. The memory cache does not wait for the returned task; it must not throw.
    /// </summary>
    public abstract Task InvalidateAsync(string cacheKey, AccessToken rejected, CancellationToken cancellationToken);
}
