namespace ClientCredentials.Protocol;

/// <summary>
/// A second cache level behind the in-memory <see cref="TokenCache"/>, for example a distributed store shared by every
/// instance of a service (package <c>ClientCredentials.Protocol.Caching</c>); set it with
/// <see cref="TokenCacheOptions.SecondLevel"/>. The memory cache consults it only on a miss, inside its single flight for
/// the key and before the token endpoint; it hands it every token it then obtains (refreshes ahead of expiry
/// included), tells it when that request failed, and asks it to remove a token a resource rejected. A refresh ahead of
/// expiry asks it first for a newer token (<see cref="TryGetRefreshedAsync"/>), so that one instance of a fleet
/// refreshes a key and the others take its token. A hit never reaches it. Keys are the cache key's canonical form: the same text in every process for the same request, which
/// names the client in clear, so a store must hash it.
/// </summary>
/// <remarks>
/// An implementation must tolerate its own failures: the memory cache treats an exception from
/// <see cref="TryGetAsync"/> as a miss and from the other calls as nothing, and logs it; a slow store slows the miss
/// path, so bound every call. The writes and removals run without making a caller wait.
/// </remarks>
public abstract class TokenCacheSecondLevel
{
    /// <summary>
    /// The token stored under <paramref name="cacheKey"/> (with <see cref="AccessToken.Source"/>
    /// <see cref="TokenSource.DistributedCache"/>) and the fresh-until instant it was stored with, or null; never a
    /// token past that instant. The memory cache keeps the entry exactly as the writer had it: same expiry, refresh point,
    /// extended lifetime and fresh-until. It may wait for another instance that is asking the token endpoint for the same
    /// key (bounded by <paramref name="cancellationToken"/>, the shared request's deadline). After a null, the memory
    /// cache asks the endpoint and then calls <see cref="SetAsync"/> or <see cref="AcquisitionFailedAsync"/> for the key.
    /// </summary>
    public abstract Task<TokenCacheSecondLevelEntry?> TryGetAsync(string cacheKey, CancellationToken cancellationToken);

    /// <summary>
    /// Called when a hit has passed the refresh point of <paramref name="current"/> (the token in this instance's memory)
    /// and the memory cache is about to refresh it in the background, no caller waiting: a newer token stored under
    /// <paramref name="cacheKey"/> (another instance refreshed it already), or null when this instance should refresh
    /// it. A level shared by a fleet lets one instance refresh a key while the others wait for its token (bounded by
    /// <paramref name="cancellationToken"/>); after a null, the memory cache asks the endpoint and then calls
    /// <see cref="SetAsync"/> or <see cref="AcquisitionFailedAsync"/> for the key. Returns null by default: every
    /// instance refreshes its own tokens.
    /// </summary>
    public virtual Task<TokenCacheSecondLevelEntry?> TryGetRefreshedAsync(string cacheKey, AccessToken current, CancellationToken cancellationToken) =>
        Task.FromResult<TokenCacheSecondLevelEntry?>(null);

    /// <summary>
    /// Stores <paramref name="token"/> (its <see cref="AccessToken.RefreshOn"/> filled in) under
    /// <paramref name="cacheKey"/>, to be served until <paramref name="freshUntil"/>: its expiry minus the memory cache's
    /// <see cref="TokenCacheOptions.ExpiryBuffer"/>, and no longer.
    /// </summary>
    public abstract Task SetAsync(string cacheKey, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the token stored under <paramref name="cacheKey"/> only if it is still <paramref name="rejected"/> (another
    /// instance may have stored a new one). From the moment this is called, <see cref="TryGetAsync"/> must not return it.
    /// </summary>
    public abstract Task RemoveAsync(string cacheKey, AccessToken rejected, CancellationToken cancellationToken);

    /// <summary>
    /// The token request that followed a null from <see cref="TryGetAsync"/> or <see cref="TryGetRefreshedAsync"/> failed
    /// or returned a token too close to its expiry to store: an implementation that made other
    /// instances wait for this one lets them go. Does nothing by default.
    /// </summary>
    public virtual Task AcquisitionFailedAsync(string cacheKey, CancellationToken cancellationToken) => Task.CompletedTask;
}
