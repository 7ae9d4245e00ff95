namespace ClientCredentials.Protocol;

/// <summary>
/// Obtains a new token from the token endpoint for a <see cref="TokenCacheKey"/>. The <see cref="TokenCache"/>
/// calls it at most once at a time per key; the result's <see cref="AccessToken.Source"/> is
/// <see cref="TokenSource.IdentityProvider"/>.
/// </summary>
internal interface ITokenAcquirer
{
    /// <summary>
    /// Requests a token. <paramref name="cancellationToken"/> is the shared request's own token: it is cancelled
    /// when <see cref="TokenCacheOptions.SharedRequestTimeout"/> elapses, never by one waiting caller.
    /// Failures are reported as <see cref="TokenAcquisitionException"/>.
    /// </summary>
    /// <remarks>A <see cref="ValueTask{TResult}"/>, so that a request that completes at once (an in-memory endpoint) allocates no task.</remarks>
    ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken);
}
