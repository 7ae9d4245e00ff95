using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClientCredentials.Protocol;

/// <summary>
/// An in-memory cache of access tokens obtained with the client credentials grant (RFC 6749 §4.4), safe to share
/// between many clients. A hit takes no lock and allocates nothing. A token is served until
/// <c>ExpiresOn − </c><see cref="TokenCacheOptions.ExpiryBuffer"/>; after its refresh point a hit still returns it
/// and starts one background refresh. Concurrent misses for one key share one request to the token endpoint.
/// </summary>
public sealed class TokenCache
{
    /// <summary>The least wait before a failed background refresh is tried again, when the server gave no <c>Retry-After</c>.</summary>
    internal static readonly TimeSpan RefreshRetryDelay = TimeSpan.FromSeconds(30);

    private static readonly KeyValuePair<string, object?> RefreshTag = new("refresh", true);
    private static readonly KeyValuePair<string, object?> ForegroundTag = new("refresh", false);

    private readonly TokenCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TokenCacheStore _store;
    private readonly ConcurrentDictionary<TokenCacheKey, TaskCompletionSource<AccessToken>> _flights = new();

    /// <summary>
    /// Creates an empty cache. <paramref name="options"/> defaults to <see cref="TokenCacheOptions"/>' defaults and is
    /// checked here (<see cref="ClientCredentialsConfigurationException"/> names a bad option); every clock read
    /// uses <paramref name="timeProvider"/> (default <see cref="TimeProvider.System"/>).
    /// </summary>
    public TokenCache(TokenCacheOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _options = options ?? new TokenCacheOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _store = new TokenCacheStore(_options.MaxEntries, _options.UseExtendedLifetime, _logger);
    }

    /// <summary>The options this cache was created with.</summary>
    public TokenCacheOptions Options => _options;

    /// <summary>The number of tokens held, including ones kept only as an extended-lifetime fallback.</summary>
    public int Count => _store.Count;

    /// <summary>The number of shared requests under way; each removes itself when it ends.</summary>
    internal int InFlightCount => _flights.Count;

    /// <summary>Removes every cached token. Requests already under way still store their result.</summary>
    public void Clear() => _store.Clear();

    /// <summary>
    /// Returns a token for <paramref name="key"/>: the cached one while fresh (synchronously, no allocation), or
    /// the result of the one shared request to <paramref name="acquirer"/>. With <paramref name="forceRefresh"/>
    /// the cached token is skipped (a request already under way is still joined). <paramref name="cancellationToken"/>
    /// stops only this caller's wait, never the shared request.
    /// </summary>
    internal ValueTask<AccessToken> GetTokenAsync(TokenCacheKey key, ITokenAcquirer acquirer, bool forceRefresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(acquirer);

        if (!forceRefresh && _store.TryGet(key, out var entry))
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (entry.IsFresh(now))
            {
                entry.Touch(now);
                if (entry.TryBeginRefresh(now))
                {
                    StartBackgroundRefresh(key, acquirer, entry);
                }

                ClientCredentialsTelemetry.CacheHitCounter.Add(1);
                return new ValueTask<AccessToken>(entry);
            }
        }

        return new ValueTask<AccessToken>(AcquireAsync(key, acquirer, forceRefresh, cancellationToken));
    }

    /// <summary>
    /// Removes the cached token for <paramref name="key"/> only when it is <paramref name="seen"/> (same token
    /// string), so that a burst of 401 responses to one token causes one refresh. Returns true when it removed it.
    /// </summary>
    internal bool Invalidate(TokenCacheKey key, AccessToken seen)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(seen);
        var held = _store.TryGet(key, out var entry);
        var removed = held
            && string.Equals(entry.Token, seen.Token, StringComparison.Ordinal)
            && _store.Remove(entry);

        // The second level may hold the rejected token even when this memory holds no token for the key (a restart);
        // when memory holds another token, the rejected one was already replaced everywhere this instance can see.
        if ((removed || !held) && _options.SecondLevel is { } secondLevel)
        {
            InvalidateSecondLevel(secondLevel, key, seen);
        }

        return removed;
    }

    /// <summary>Tells the second level about a rejected token without making the caller wait; a failure is only logged.</summary>
    private void InvalidateSecondLevel(TokenCacheSecondLevel secondLevel, TokenCacheKey key, AccessToken rejected)
    {
        Task invalidation;
        try
        {
            invalidation = secondLevel.InvalidateAsync(key.CanonicalForm(), rejected, CancellationToken.None);
        }
        catch (Exception failure)
        {
            TokenCacheLog.SecondLevelInvalidationFailed(_logger, failure, key, TokenFingerprint.Of(rejected.Token));
            return;
        }

        if (!invalidation.IsCompletedSuccessfully)
        {
            var logger = _logger;
            invalidation.ContinueWith(
                t => TokenCacheLog.SecondLevelInvalidationFailed(logger, t.Exception!, key, TokenFingerprint.Of(rejected.Token)),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task<AccessToken> AcquireAsync(TokenCacheKey key, ITokenAcquirer acquirer, bool forceRefresh, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ClientCredentialsTelemetry.CacheMissCounter.Add(1);
        var flight = StartOrJoinFlight(key, acquirer, reuse: forceRefresh ? FlightReuse.None : FlightReuse.AnyFreshEntry, replacing: null);
        try
        {
            return await flight.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TokenAcquisitionException failure) when (!forceRefresh && failure.IsTransient && TryGetFallback(key, out var fallback))
        {
            TokenCacheLog.ServingExtendedLifetime(_logger, failure, key, TokenFingerprint.Of(fallback.Token), fallback.ExpiresOn, fallback.ExtendedExpiresOn);
            return fallback;
        }
    }

    /// <summary>
    /// The extended-lifetime fallback (AAD resilience guidance): a cached token past its fresh window but not yet
    /// expired, or — with <see cref="TokenCacheOptions.UseExtendedLifetime"/> — not yet past <c>ext_expires_in</c>.
    /// </summary>
    private bool TryGetFallback(TokenCacheKey key, out AccessToken fallback)
    {
        if (_store.TryGet(key, out var entry) && _store.IsUsable(entry, _time.GetUtcNow().UtcTicks))
        {
            fallback = entry.With(TokenSource.Cache, isExtendedLifetime: true);
            return true;
        }

        fallback = null!;
        return false;
    }

    private void StartBackgroundRefresh(TokenCacheKey key, ITokenAcquirer acquirer, TokenCacheEntry entry)
    {
        ClientCredentialsTelemetry.CacheRefreshCounter.Add(1);

        // The refresh serves every future caller, so it must not run inside this caller's context (its Activity,
        // logging scopes). The flight is registered here, so later misses join it; the acquirer runs on the pool.
        var restoreFlow = false;
        if (!ExecutionContext.IsFlowSuppressed())
        {
            ExecutionContext.SuppressFlow();
            restoreFlow = true;
        }

        try
        {
            var refresh = StartOrJoinFlight(key, acquirer, FlightReuse.FreshEntryOtherThanReplaced, replacing: entry);
            _ = ObserveBackgroundRefreshAsync(refresh, key, entry);
        }
        finally
        {
            if (restoreFlow)
            {
                ExecutionContext.RestoreFlow();
            }
        }
    }

    /// <summary>Handles the end of a background refresh; never throws, so nothing goes unobserved.</summary>
    private async Task ObserveBackgroundRefreshAsync(Task<AccessToken> refresh, TokenCacheKey key, TokenCacheEntry entry)
    {
        try
        {
            await refresh.ConfigureAwait(false);

            // Success normally replaces this entry. If it is still the stored one, the flight it joined stored nothing
            // (a token already inside its buffer): schedule another attempt rather than leave it marked as refreshing.
            if (_store.TryGet(key, out var current) && ReferenceEquals(current, entry))
            {
                entry.EndUnsuccessfulRefresh((_time.GetUtcNow() + RefreshRetryDelay).UtcTicks);
            }
        }
        catch (Exception failure)
        {
            // Keep serving the old token until its fresh window ends; try again later, not on the very next hit.
            var now = _time.GetUtcNow();
            var wait = failure is TokenAcquisitionException { RetryAfter: { } retryAfter } && retryAfter > RefreshRetryDelay ? retryAfter : RefreshRetryDelay;
            var retryAt = now + wait;
            entry.EndUnsuccessfulRefresh(retryAt.UtcTicks);
            TokenCacheLog.BackgroundRefreshFailed(
                _logger,
                failure,
                key,
                failure is TokenAcquisitionException { IsTransient: true },
                TokenFingerprint.Of(entry.Token),
                new DateTimeOffset(entry.FreshUntilTicks, TimeSpan.Zero),
                retryAt);
        }
    }

    private Task<AccessToken> StartOrJoinFlight(TokenCacheKey key, ITokenAcquirer acquirer, FlightReuse reuse, TokenCacheEntry? replacing)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                return running.Task;
            }

            var flight = new TaskCompletionSource<AccessToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_flights.TryAdd(key, flight))
            {
                if (reuse == FlightReuse.FreshEntryOtherThanReplaced)
                {
                    // A background refresh: do not make the hit that triggered it wait for the acquirer's synchronous work.
                    RunFlightOnThreadPool(key, acquirer, flight, reuse, replacing);
                }
                else
                {
                    _ = RunFlightAsync(key, acquirer, flight, reuse, replacing);
                }

                return flight.Task;
            }
        }
    }

    private void RunFlightOnThreadPool(TokenCacheKey key, ITokenAcquirer acquirer, TaskCompletionSource<AccessToken> flight, FlightReuse reuse, TokenCacheEntry? replacing) =>
        _ = Task.Run(() => RunFlightAsync(key, acquirer, flight, reuse, replacing));

    /// <summary>
    /// Runs one shared request and completes <paramref name="flight"/>; never throws. The result is stored before
    /// the flight is removed, so a caller arriving after removal finds it; a failure is not stored.
    /// </summary>
    private async Task RunFlightAsync(TokenCacheKey key, ITokenAcquirer acquirer, TaskCompletionSource<AccessToken> flight, FlightReuse reuse, TokenCacheEntry? replacing)
    {
        try
        {
            // A request that finished between this caller's miss and its registration already stored a fresh token.
            if (reuse != FlightReuse.None && _store.TryGet(key, out var current) && current != replacing && current.IsFresh(_time.GetUtcNow().UtcTicks))
            {
                Complete(key, flight, current);
                return;
            }

            var found = _options.SecondLevel is { } secondLevel
                ? await AcquireWithTimeoutAsync(key, static (state, ct) => state.secondLevel.GetOrAcquireAsync(state.lookup, ct), (secondLevel, lookup: LookupFor(key, acquirer, reuse, replacing))).ConfigureAwait(false)
                : SecondLevelToken.Acquired(await AcquireWithTimeoutAsync(key, static (state, ct) => state.acquirer.AcquireAsync(state.key, ct), (acquirer, key)).ConfigureAwait(false));
            var acquired = found.Token;
            var now = _time.GetUtcNow();
            var entry = found.StoredFreshUntil is { } storedFreshUntil
                ? TokenCacheEntry.FromSecondLevel(key, acquired, storedFreshUntil, now, out var returned)
                : TokenCacheEntry.Create(key, acquired, now, _options, out returned);
            if (entry.IsFresh(now.UtcTicks))
            {
                _store.Store(entry, now.UtcTicks);
            }
            else if (_logger.IsEnabled(LogLevel.Debug))
            {
                var fingerprint = TokenFingerprint.Of(acquired.Token);
                TokenCacheLog.NotCachedAlreadyExpiring(_logger, key, fingerprint, acquired.ExpiresOn);
            }

            Complete(key, flight, returned);
        }
        catch (Exception failure)
        {
            ClientCredentialsTelemetry.FailureCounter.Add(
                1,
                new KeyValuePair<string, object?>("transient", failure is TokenAcquisitionException { IsTransient: true }),
                reuse == FlightReuse.FreshEntryOtherThanReplaced ? RefreshTag : ForegroundTag);
            _flights.TryRemove(new KeyValuePair<TokenCacheKey, TaskCompletionSource<AccessToken>>(key, flight));
            flight.TrySetException(failure);
        }
    }

    private void Complete(TokenCacheKey key, TaskCompletionSource<AccessToken> flight, AccessToken result)
    {
        _flights.TryRemove(new KeyValuePair<TokenCacheKey, TaskCompletionSource<AccessToken>>(key, flight));
        flight.TrySetResult(result);
    }

    /// <summary>
    /// What the second level is asked for a flight: the key's canonical form, the token a background refresh replaces,
    /// whether a forced refresh skips stored tokens, this cache's fresh window, and the acquirer.
    /// </summary>
    private SecondLevelLookup LookupFor(TokenCacheKey key, ITokenAcquirer acquirer, FlightReuse reuse, TokenCacheEntry? replacing) =>
        new(
            key.CanonicalForm(),
            replacing,
            forceRefresh: reuse == FlightReuse.None,
            ct => acquirer.AcquireAsync(key, ct),
            token => new DateTimeOffset(TokenCacheEntry.FreshUntilTicksOf(token, _time.GetUtcNow(), _options), TimeSpan.Zero),
            token =>
            {
                var now = _time.GetUtcNow();
                return now + ((token.ExpiresOn - now) * _options.RefreshAheadAt);
            });

    /// <summary>
    /// Calls <paramref name="acquire"/> with a token that only <see cref="TokenCacheOptions.SharedRequestTimeout"/>
    /// cancels, and stops waiting when it elapses even if the acquirer ignores cancellation.
    /// </summary>
    private async Task<T> AcquireWithTimeoutAsync<TState, T>(TokenCacheKey key, Func<TState, CancellationToken, Task<T>> acquire, TState state)
        where T : class
    {
        var timeout = _options.SharedRequestTimeout;
        using var deadline = new CancellationTokenSource(timeout, _time);
        Task<T> acquisition;
        try
        {
            acquisition = acquire(state, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw TimedOut(key, timeout, inner: null);
        }

        try
        {
            return await acquisition.WaitAsync(deadline.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The token acquirer returned no token for {key}.");
        }
        catch (OperationCanceledException cancelled) when (deadline.IsCancellationRequested)
        {
            ObserveAbandoned(acquisition);
            throw TimedOut(key, timeout, cancelled);
        }
    }

    private TokenRequestTimeoutException TimedOut(TokenCacheKey key, TimeSpan timeout, Exception? inner)
    {
        TokenCacheLog.SharedRequestTimedOut(_logger, key, timeout);
        return new TokenRequestTimeoutException(timeout, inner);
    }

    /// <summary>An acquisition abandoned at the timeout may still fail later; observe it so nothing goes unobserved.</summary>
    private static void ObserveAbandoned(Task acquisition) =>
        acquisition.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Which cached entry lets a new flight finish without a request.</summary>
    private enum FlightReuse
    {
        /// <summary>Force refresh: always ask the identity provider.</summary>
        None,

        /// <summary>A miss: any fresh entry stored since the miss.</summary>
        AnyFreshEntry,

        /// <summary>A background refresh: a fresh entry other than the one being refreshed.</summary>
        FreshEntryOtherThanReplaced,
    }
}
