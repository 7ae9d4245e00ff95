namespace ClientCredentials.Protocol;

/// <summary>
/// What the <see cref="TokenCache"/> asks its <see cref="TokenCacheSecondLevel"/> for: the key, why it asks (a miss, a
/// refresh ahead of expiry, a forced refresh), the fresh window its own rules give a token, and the way to the token
/// endpoint. Built by the memory cache inside its single flight; one per shared request.
/// </summary>
public sealed class SecondLevelLookup
{
    private readonly Func<CancellationToken, Task<AccessToken>> _acquire;
    private readonly Func<AccessToken, DateTimeOffset> _freshUntil;
    private readonly Func<AccessToken, DateTimeOffset> _refreshOn;

    internal SecondLevelLookup(string cacheKey, AccessToken? replacing, bool forceRefresh, Func<CancellationToken, Task<AccessToken>> acquire, Func<AccessToken, DateTimeOffset> freshUntil, Func<AccessToken, DateTimeOffset> refreshOn)
    {
        _refreshOn = refreshOn;
        CacheKey = cacheKey;
        Replacing = replacing;
        ForceRefresh = forceRefresh;
        _acquire = acquire;
        _freshUntil = freshUntil;
    }

    /// <summary>
    /// The key in its canonical form: the same text in every process for the same request (authority, tenant, client
    /// id, token type, claims, extra parameters, partition, scopes). It names the client in clear: a store must hash it.
    /// </summary>
    public string CacheKey { get; }

    /// <summary>
    /// For a refresh ahead of expiry, the cached token being replaced: a stored token is only worth returning when it
    /// is another token that is not itself due for a refresh. Null for a miss.
    /// </summary>
    public AccessToken? Replacing { get; }

    /// <summary>True when the caller asked to skip every cached token (<see cref="TokenRequestParameters.ForceRefresh"/>): do not read, only acquire and store.</summary>
    public bool ForceRefresh { get; }

    /// <summary>
    /// Until when the memory cache would serve <paramref name="token"/> if it got it now:
    /// <c>ExpiresOn − </c><see cref="TokenCacheOptions.ExpiryBuffer"/> (half the lifetime for a short token). A store
    /// keeps a token until this instant and no longer.
    /// </summary>
    public DateTimeOffset FreshUntil(AccessToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _freshUntil(token);
    }

    /// <summary>
    /// When the memory cache would start a background refresh of <paramref name="token"/> if it got it now: its
    /// <see cref="AccessToken.RefreshOn"/> (AAD's <c>refresh_in</c>), or <see cref="TokenCacheOptions.RefreshAheadAt"/> of
    /// its lifetime. Store it with the token (and return the token with it) so every instance refreshes at the same point.
    /// </summary>
    public DateTimeOffset RefreshOn(AccessToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.RefreshOn ?? _refreshOn(token);
    }

    /// <summary>
    /// Requests a new token from the token endpoint, through the client's resilience pipeline; its result has
    /// <see cref="AccessToken.Source"/> <see cref="TokenSource.IdentityProvider"/>. Failures are
    /// <see cref="TokenAcquisitionException"/>s, and are to be passed on unchanged.
    /// </summary>
    public Task<AccessToken> AcquireAsync(CancellationToken cancellationToken) => _acquire(cancellationToken);
}
