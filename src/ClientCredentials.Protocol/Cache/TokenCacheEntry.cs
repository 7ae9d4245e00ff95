namespace ClientCredentials.Protocol;

/// <summary>
/// One cached token: the <see cref="AccessToken"/> a hit returns (<see cref="TokenSource.Cache"/>), its fresh-until
/// deadline (UTC ticks) and the mutable state a hit touches: the last-access stamp for LRU eviction and the refresh
/// point that admits one background refresh at a time. A hit reads it and allocates nothing.
/// </summary>
internal sealed class TokenCacheEntry
{
    /// <summary>The refresh point while a background refresh of this entry runs: no later hit can start another.</summary>
    private const long Refreshing = long.MaxValue;

    private long _lastAccessTicks;

    // When a hit should start a background refresh, or Refreshing: one field is both the schedule and the flag.
    private long _refreshAtTicks;

    private TokenCacheEntry(AccessToken token, long freshUntilTicks, long refreshAtTicks, long nowTicks)
    {
        Token = token;
        FreshUntilTicks = freshUntilTicks;
        _refreshAtTicks = refreshAtTicks;
        _lastAccessTicks = nowTicks;
    }

    /// <summary>The token a hit returns, marked as coming from the cache.</summary>
    public AccessToken Token { get; }

    /// <summary>Served on a hit while now is before this: <c>ExpiresOn − buffer</c>.</summary>
    public long FreshUntilTicks { get; }

    /// <summary>When a hit last returned this entry (or when it was stored).</summary>
    public long LastAccessTicks => Volatile.Read(ref _lastAccessTicks);

    /// <summary>
    /// Builds the entry for a token the identity provider just returned at <paramref name="now"/>, and the copy
    /// of the token the acquiring callers get (with <see cref="AccessToken.RefreshOn"/> filled in when the
    /// server sent none).
    /// </summary>
    public static TokenCacheEntry Create(AccessToken acquired, DateTimeOffset now, TokenCacheOptions options, out AccessToken returned)
    {
        var lifetime = acquired.ExpiresOn - now;
        // Stryker disable once Equality : at exactly twice the buffer, half the lifetime is the buffer
        var buffer = lifetime < options.ExpiryBuffer * 2 ? lifetime / 2 : options.ExpiryBuffer;

        // Stryker disable once Equality,Block : a negative buffer comes only from a token expired on arrival, which is not fresh (so never stored) either way
        if (buffer < TimeSpan.Zero)
        {
            buffer = TimeSpan.Zero;
        }

        var freshUntil = acquired.ExpiresOn - buffer;
        var refreshOn = acquired.RefreshOn ?? now + lifetime * options.RefreshAheadAt;
        returned = acquired.RefreshOn is null
            ? new AccessToken(acquired.Token, acquired.TokenType, acquired.ExpiresOn, refreshOn, acquired.ExtendedExpiresOn, acquired.Scopes, acquired.CorrelationId, acquired.Source) { AdditionalFields = acquired.AdditionalFields, RegionalRoute = acquired.RegionalRoute }
            : acquired;

        return new TokenCacheEntry(returned.With(TokenSource.Cache), freshUntil.UtcTicks, refreshOn.UtcTicks, now.UtcTicks);
    }

    /// <summary>
    /// Builds the entry for a token a second level returned at <paramref name="now"/>, exactly as the instance that
    /// stored it had it: the same fresh-until (never past the expiry), refresh point and extended lifetime, so every
    /// instance of a fleet refreshes and stops serving a shared token at the same instants. The copy the callers get is
    /// marked <see cref="TokenSource.DistributedCache"/>.
    /// </summary>
    public static TokenCacheEntry FromSecondLevel(TokenCacheSecondLevelEntry shared, DateTimeOffset now, TokenCacheOptions options, out AccessToken returned)
    {
        var token = shared.Token;
        // Stryker disable once Equality : at equality both arms are the same instant
        var freshUntil = shared.FreshUntil < token.ExpiresOn ? shared.FreshUntil : token.ExpiresOn;
        var refreshOn = token.RefreshOn ?? now + ((token.ExpiresOn - now) * options.RefreshAheadAt);
        returned = token.RefreshOn is null
            ? new AccessToken(token.Token, token.TokenType, token.ExpiresOn, refreshOn, token.ExtendedExpiresOn, token.Scopes, token.CorrelationId, TokenSource.DistributedCache) { AdditionalFields = token.AdditionalFields, RegionalRoute = token.RegionalRoute }
            : token.Source == TokenSource.DistributedCache ? token : token.With(TokenSource.DistributedCache);

        return new TokenCacheEntry(returned.With(TokenSource.Cache), freshUntil.UtcTicks, refreshOn.UtcTicks, now.UtcTicks);
    }

    /// <summary>True while a hit may return the token.</summary>
    public bool IsFresh(long nowTicks) => nowTicks < FreshUntilTicks;

    /// <summary>
    /// True while the token may still be served as a fallback on a transient failure: before <c>ExpiresOn</c>, or
    /// before the later <c>ExtendedExpiresOn</c> when <paramref name="useExtendedLifetime"/>. Past it the entry is garbage.
    /// </summary>
    public bool IsUsable(long nowTicks, bool useExtendedLifetime) =>
        nowTicks < Token.ExpiresOnTicks || (useExtendedLifetime && Token.ExtendedExpiresOnTicks is { } extended && nowTicks < extended);

    /// <summary>Records a hit for LRU eviction: one volatile write, no lock.</summary>
    public void Touch(long nowTicks)
    {
        // At most one write a millisecond: a hot entry read on many cores must not bounce its cache line.
        if (nowTicks - Volatile.Read(ref _lastAccessTicks) >= TimeSpan.TicksPerMillisecond)
        {
            Volatile.Write(ref _lastAccessTicks, nowTicks);
        }
    }

    /// <summary>
    /// True for exactly one caller once the refresh point has passed and no refresh of this entry is running: the
    /// winner swaps the refresh point it read for <see cref="Refreshing"/>. A refresh that just failed has written a
    /// later point, so a caller that read the earlier one loses the swap and does not repeat it.
    /// </summary>
    public bool TryBeginRefresh(long nowTicks)
    {
        var refreshAt = Volatile.Read(ref _refreshAtTicks);
        return nowTicks >= refreshAt
            && refreshAt != Refreshing
            && Interlocked.CompareExchange(ref _refreshAtTicks, Refreshing, refreshAt) == refreshAt;
    }

    /// <summary>
    /// Ends a background refresh that did not replace this entry (it failed, or its token was not stored): the next
    /// attempt waits until <paramref name="retryAtTicks"/>. A refresh that replaced the entry never calls this, so a
    /// replaced entry can never start another refresh.
    /// </summary>
    public void EndUnsuccessfulRefresh(long retryAtTicks) => Volatile.Write(ref _refreshAtTicks, Math.Min(retryAtTicks, Refreshing - 1));
}
