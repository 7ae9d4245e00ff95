namespace ClientCredentials.Protocol;

/// <summary>
/// A second cache level between this process's memory and the token endpoint, for example a distributed cache that
/// a fleet of instances shares. <see cref="TokenCache"/> consults it only on a memory miss, inside the single flight
/// for the key (so concurrent misses in one process make one call), before it asks the token endpoint, and before a
/// background refresh (another instance may have refreshed the key already); it writes
/// every token obtained from the endpoint (including refreshes ahead of expiry) to it, and removes a token a resource
/// rejected. A hit never touches it.
/// </summary>
/// <remarks>
/// Keys are named by <see cref="TokenCacheKey.WriteCanonicalForm"/>, which is the same in every process. An
/// implementation must be failure-tolerant: the cache treats an exception from <see cref="TryGetAsync"/> as a miss
/// and from the writes as nothing, and logs it, but a slow store slows the miss path, so bound every call.
/// </remarks>
internal interface ITokenCacheSecondLevel
{
    /// <summary>The token stored for <paramref name="key"/> with the fresh-until it was stored with, or null. A token past its expiry must not be returned.</summary>
    ValueTask<TokenCacheSecondLevelEntry?> TryGetAsync(TokenCacheKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Before a background refresh of <paramref name="current"/>: a newer token for <paramref name="key"/> (another
    /// instance refreshed it), or null when this instance should ask the endpoint.
    /// </summary>
    ValueTask<TokenCacheSecondLevelEntry?> TryGetRefreshedAsync(TokenCacheKey key, AccessToken current, CancellationToken cancellationToken) => default;

    /// <summary>
    /// Stores <paramref name="token"/> (with its <see cref="AccessToken.RefreshOn"/> filled in) for
    /// <paramref name="key"/>, to be served until <paramref name="freshUntil"/> (its expiry minus the cache's buffer).
    /// </summary>
    ValueTask SetAsync(TokenCacheKey key, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken);

    /// <summary>Removes the token stored for <paramref name="key"/> only if it is still <paramref name="rejected"/> (same token string).</summary>
    ValueTask RemoveAsync(TokenCacheKey key, AccessToken rejected, CancellationToken cancellationToken);

    /// <summary>The token request that followed a miss here failed (a level that made other instances wait lets them go).</summary>
    ValueTask AcquisitionFailedAsync(TokenCacheKey key, CancellationToken cancellationToken) => default;
}
