namespace ClientCredentials.Protocol;

/// <summary>
/// One cached token with its precomputed deadlines (UTC ticks) and the mutable state a hit touches: the
/// last-access stamp for LRU eviction and the flag that admits one background refresh at a time.
/// </summary>
internal sealed class TokenCacheEntry
{
    private const int Idle = 0;
    private const int Refreshing = 1;

    private long _lastAccessTicks;
    private long _refreshAtTicks;
    private int _refreshState;

    private TokenCacheEntry(AccessToken cachedToken, long freshUntilTicks, long refreshAtTicks, long usableUntilTicks, long nowTicks)
    {
        CachedToken = cachedToken;
        FreshUntilTicks = freshUntilTicks;
        _refreshAtTicks = refreshAtTicks;
        UsableUntilTicks = usableUntilTicks;
        _lastAccessTicks = nowTicks;
    }

    /// <summary>The token as every hit returns it: <see cref="TokenSource.Cache"/>, built once.</summary>
    public AccessToken CachedToken { get; }

    /// <summary>Served on a hit while now is before this: <c>ExpiresOn − buffer</c>.</summary>
    public long FreshUntilTicks { get; }

    /// <summary>
    /// The last moment the token may be served as a fallback on a transient failure: <c>ExpiresOn</c>, or the
    /// later <c>ExtendedExpiresOn</c> when extended lifetime is on. Past it the entry is garbage.
    /// </summary>
    public long UsableUntilTicks { get; }

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
        var buffer = lifetime < options.ExpiryBuffer * 2 ? lifetime / 2 : options.ExpiryBuffer;
        if (buffer < TimeSpan.Zero)
        {
            buffer = TimeSpan.Zero;
        }

        var freshUntil = acquired.ExpiresOn - buffer;
        var refreshOn = acquired.RefreshOn ?? now + lifetime * options.RefreshAheadAt;
        returned = acquired.RefreshOn is null
            ? new AccessToken(acquired.Token, acquired.TokenType, acquired.ExpiresOn, refreshOn, acquired.ExtendedExpiresOn, acquired.Scopes, acquired.CorrelationId, acquired.Source) { AdditionalFields = acquired.AdditionalFields }
            : acquired;

        var usableUntil = acquired.ExpiresOn;
        if (options.UseExtendedLifetime && acquired.ExtendedExpiresOn is { } extended && extended > usableUntil)
        {
            usableUntil = extended;
        }

        return new TokenCacheEntry(
            returned.With(TokenSource.Cache),
            freshUntil.UtcTicks,
            refreshOn.UtcTicks,
            usableUntil.UtcTicks,
            now.UtcTicks);
    }

    /// <summary>True while a hit may return the token.</summary>
    public bool IsFresh(long nowTicks) => nowTicks < FreshUntilTicks;

    /// <summary>True while the token may still be served as an extended-lifetime fallback.</summary>
    public bool IsUsable(long nowTicks) => nowTicks < UsableUntilTicks;

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
    /// True for exactly one caller once the refresh point has passed and no refresh of this entry is running.
    /// The refresh point is re-read after winning, so a refresh that just failed and postponed it is not repeated.
    /// </summary>
    public bool TryBeginRefresh(long nowTicks)
    {
        if (nowTicks < Volatile.Read(ref _refreshAtTicks) ||
            Interlocked.CompareExchange(ref _refreshState, Refreshing, Idle) != Idle)
        {
            return false;
        }

        if (nowTicks < Volatile.Read(ref _refreshAtTicks))
        {
            Volatile.Write(ref _refreshState, Idle);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Ends a background refresh that did not replace this entry (it failed, or its token was not stored): the next
    /// attempt waits until <paramref name="retryAtTicks"/>. A refresh that replaced the entry never calls this, so a
    /// replaced entry can never start another refresh.
    /// </summary>
    public void EndUnsuccessfulRefresh(long retryAtTicks)
    {
        Volatile.Write(ref _refreshAtTicks, retryAtTicks);
        Volatile.Write(ref _refreshState, Idle);
    }

    /// <summary>Describes the entry without the token: fingerprint and deadlines.</summary>
    public override string ToString() =>
        $"cached {CachedToken.TokenType} token {TokenFingerprint.Of(CachedToken.Token)}, fresh until {new DateTimeOffset(FreshUntilTicks, TimeSpan.Zero):u}, expires {CachedToken.ExpiresOn:u}";
}
