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

    // Work under way (shared requests, background refresh bookkeeping), so that a test can wait until there is none.
    // Counted without a lock on misses and refreshes only, never on a hit; the lock guards the idle signal.
    private readonly object _workGate = new();
    private int _pendingWork;
    private TaskCompletionSource? _idle;

    /// <summary>
    /// Creates an empty cache. <paramref name="options"/> defaults to <see cref="TokenCacheOptions"/>' defaults and is
    /// checked here (<see cref="ClientCredentialsConfigurationException"/> names a bad option); every clock read
    /// uses <paramref name="timeProvider"/> (default <see cref="TimeProvider.System"/>).
    /// </summary>
    public TokenCache(TokenCacheOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(options, timeProvider, logger, secondLevel: null)
    {
    }

    /// <summary>Creates an empty cache that consults <paramref name="secondLevel"/> on a memory miss, before the token endpoint.</summary>
    internal TokenCache(TokenCacheOptions? options, TimeProvider? timeProvider, ILogger? logger, ITokenCacheSecondLevel? secondLevel)
    {
        _options = options ?? new TokenCacheOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _store = new TokenCacheStore(_options.MaxEntries, _options.UseExtendedLifetime, _logger);
        SecondLevel = secondLevel ?? SecondLevelAdapter.For(_options.SecondLevel);
    }

    /// <summary>The options this cache was created with.</summary>
    public TokenCacheOptions Options => _options;

    /// <summary>The number of tokens held, including ones kept only as an extended-lifetime fallback.</summary>
    public int Count => _store.Count;

    /// <summary>The number of shared requests under way; each removes itself when it ends.</summary>
    internal int InFlightCount => _flights.Count;

    /// <summary>The level consulted between a memory miss and the token endpoint, or null.</summary>
    internal ITokenCacheSecondLevel? SecondLevel { get; }

    /// <summary>
    /// Completes when no shared request is under way and every background refresh has finished its bookkeeping (stored
    /// its token, or scheduled the next attempt): what a test waits for before it moves a virtual clock on.
    /// </summary>
    internal Task WhenIdleAsync()
    {
        lock (_workGate)
        {
            return Volatile.Read(ref _pendingWork) == 0
                ? Task.CompletedTask
                : (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

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
                return new ValueTask<AccessToken>(entry.Token);
            }
        }

        return AcquireAsync(key, acquirer, forceRefresh, cancellationToken);
    }

    /// <summary>
    /// Removes the cached token for <paramref name="key"/> only when it is <paramref name="seen"/> (same token
    /// string), so that a burst of 401 responses to one token causes one refresh. Returns true when it removed it.
    /// </summary>
    internal bool Invalidate(TokenCacheKey key, AccessToken seen)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(seen);
        if (SecondLevel is { } secondLevel)
        {
            _ = RemoveFromSecondLevelAsync(secondLevel, key, seen);
        }

        return _store.TryGet(key, out var entry)
            && string.Equals(entry.Token.Token, seen.Token, StringComparison.Ordinal)
            && _store.Remove(key, entry);
    }

    /// <summary>A miss: joins or starts the shared request; one that already succeeded is returned without awaiting it.</summary>
    private ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, ITokenAcquirer acquirer, bool forceRefresh, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<AccessToken>(CancelledAsync(cancellationToken));
        }

        ClientCredentialsTelemetry.CacheMissCounter.Add(1);
        var flight = StartOrJoinFlight(key, acquirer, reuse: forceRefresh ? FlightReuse.None : FlightReuse.AnyFreshEntry, replacing: null);
        return flight.IsCompletedSuccessfully
            ? new ValueTask<AccessToken>(flight.Result)
            : new ValueTask<AccessToken>(WaitForFlightAsync(key, flight, forceRefresh, cancellationToken));
    }

    /// <summary>A call whose token was cancelled before the miss: a cancelled task carrying <see cref="OperationCanceledException"/>, nothing started.</summary>
    private static async Task<AccessToken> CancelledAsync(CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : a completed task never yields, so there is no context to resume on
        await Task.CompletedTask.ConfigureAwait(false);
        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>Waits for a shared request (only this caller's wait is cancelled); a transient failure may be answered from the cache.</summary>
    private async Task<AccessToken> WaitForFlightAsync(TokenCacheKey key, Task<AccessToken> flight, bool forceRefresh, CancellationToken cancellationToken)
    {
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
            fallback = entry.Token.With(TokenSource.Cache, isExtendedLifetime: true);
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
            BeginWork();
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
            // Stryker disable once Logical : with || a replaced entry also gets a retry point, but no hit can reach an entry no longer stored
            if (_store.TryGet(key, out var current) && ReferenceEquals(current, entry))
            {
                entry.EndUnsuccessfulRefresh((_time.GetUtcNow() + RefreshRetryDelay).UtcTicks);
            }
        }
        catch (Exception failure)
        {
            // Keep serving the old token until its fresh window ends; try again later, not on the very next hit.
            var now = _time.GetUtcNow();
            // Stryker disable once Equality : at equality both arms are the same delay
            var wait = failure is TokenAcquisitionException { RetryAfter: { } retryAfter } && retryAfter > RefreshRetryDelay ? retryAfter : RefreshRetryDelay;
            var retryAt = now + wait;
            entry.EndUnsuccessfulRefresh(retryAt.UtcTicks);
            TokenCacheLog.BackgroundRefreshFailed(
                _logger,
                failure,
                key,
                failure is TokenAcquisitionException { IsTransient: true },
                TokenFingerprint.Of(entry.Token.Token),
                new DateTimeOffset(entry.FreshUntilTicks, TimeSpan.Zero),
                retryAt);
        }
        finally
        {
            EndWork();
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
                BeginWork();
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
                Complete(key, flight, current.Token);
                return;
            }

            // A second level may answer a miss, and a refresh ahead of expiry with a token another instance refreshed
            // (not a forced request: it wants a new token from the endpoint). Only a refresh has an entry it replaces.
            if (reuse != FlightReuse.None && SecondLevel is { } secondLevel
                && await TryGetFromSecondLevelAsync(secondLevel, key, replacing?.Token).ConfigureAwait(false) is { } shared)
            {
                var sharedAt = _time.GetUtcNow();
                var sharedEntry = TokenCacheEntry.FromSecondLevel(shared, sharedAt, _options, out var sharedReturned);
                if (sharedEntry.IsFresh(sharedAt.UtcTicks))
                {
                    _store.Store(key, sharedEntry, sharedAt.UtcTicks);
                    Complete(key, flight, sharedReturned);
                    return;
                }
            }

            var acquired = await AcquireWithTimeoutAsync(key, acquirer).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var entry = TokenCacheEntry.Create(acquired, now, _options, out var returned);
            if (entry.IsFresh(now.UtcTicks))
            {
                _store.Store(key, entry, now.UtcTicks);
                if (SecondLevel is { } level)
                {
                    _ = WriteToSecondLevelAsync(level, key, returned, new DateTimeOffset(entry.FreshUntilTicks, TimeSpan.Zero));
                }
            }
            else
            {
                // Nothing to store: a second level that made other instances wait for this request lets them go.
                if (reuse != FlightReuse.None && SecondLevel is { } level)
                {
                    _ = TellSecondLevelAsync(level, key);
                }

                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    var fingerprint = TokenFingerprint.Of(acquired.Token);
                    TokenCacheLog.NotCachedAlreadyExpiring(_logger, key, fingerprint, acquired.ExpiresOn);
                }
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
            if (reuse != FlightReuse.None && SecondLevel is { } level)
            {
                _ = TellSecondLevelAsync(level, key);
            }
        }
        finally
        {
            EndWork();
        }
    }

    /// <summary>
    /// Asks the second level within the shared request's deadline, on a miss or, when <paramref name="refreshing"/> is
    /// set, for a token newer than it before a background refresh; a failure or timeout there is a miss.
    /// </summary>
    private async Task<TokenCacheSecondLevelEntry?> TryGetFromSecondLevelAsync(ITokenCacheSecondLevel secondLevel, TokenCacheKey key, AccessToken? refreshing)
    {
        using var deadline = new CancellationTokenSource(_options.SharedRequestTimeout, _time);
        try
        {
            var shared = refreshing is null
                ? await secondLevel.TryGetAsync(key, deadline.Token).ConfigureAwait(false)
                : await secondLevel.TryGetRefreshedAsync(key, refreshing, deadline.Token).ConfigureAwait(false);
            // Stryker disable once Equality : a token expiring exactly now is not fresh either (fresh-until is at most the expiry), so the flight asks the endpoint all the same
            return shared is not null && shared.Token.ExpiresOnTicks > _time.GetUtcNow().UtcTicks
                && (refreshing is null || !string.Equals(shared.Token.Token, refreshing.Token, StringComparison.Ordinal))
                ? shared
                : null;
        }
        catch (Exception failure)
        {
            TokenCacheLog.SecondLevelFailed(_logger, failure, key, "read");
            return null;
        }
    }

    private async Task WriteToSecondLevelAsync(ITokenCacheSecondLevel secondLevel, TokenCacheKey key, AccessToken token, DateTimeOffset freshUntil)
    {
        using var deadline = new CancellationTokenSource(_options.SharedRequestTimeout, _time);
        try
        {
            await secondLevel.SetAsync(key, token, freshUntil, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            TokenCacheLog.SecondLevelFailed(_logger, failure, key, "write");
        }
    }

    private async Task TellSecondLevelAsync(ITokenCacheSecondLevel secondLevel, TokenCacheKey key)
    {
        using var deadline = new CancellationTokenSource(_options.SharedRequestTimeout, _time);
        try
        {
            await secondLevel.AcquisitionFailedAsync(key, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            TokenCacheLog.SecondLevelFailed(_logger, failure, key, "failure notice");
        }
    }

    private async Task RemoveFromSecondLevelAsync(ITokenCacheSecondLevel secondLevel, TokenCacheKey key, AccessToken rejected)
    {
        using var deadline = new CancellationTokenSource(_options.SharedRequestTimeout, _time);
        try
        {
            await secondLevel.RemoveAsync(key, rejected, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            TokenCacheLog.SecondLevelFailed(_logger, failure, key, "remove");
        }
    }

    private void BeginWork() => Interlocked.Increment(ref _pendingWork);

    private void EndWork()
    {
        if (Interlocked.Decrement(ref _pendingWork) != 0)
        {
            return;
        }

        // The count reached zero; a waiter registered since then is released only if no new work began meanwhile.
        TaskCompletionSource? idle = null;
        lock (_workGate)
        {
            if (Volatile.Read(ref _pendingWork) == 0)
            {
                (idle, _idle) = (_idle, null);
            }
        }

        idle?.TrySetResult();
    }

    private void Complete(TokenCacheKey key, TaskCompletionSource<AccessToken> flight, AccessToken result)
    {
        _flights.TryRemove(new KeyValuePair<TokenCacheKey, TaskCompletionSource<AccessToken>>(key, flight));
        flight.TrySetResult(result);
    }

    /// <summary>
    /// Calls the acquirer with a token that only <see cref="TokenCacheOptions.SharedRequestTimeout"/> cancels, and
    /// stops waiting when it elapses even if the acquirer ignores cancellation. An acquisition that finished at once
    /// is returned without awaiting it.
    /// </summary>
    private ValueTask<AccessToken> AcquireWithTimeoutAsync(TokenCacheKey key, ITokenAcquirer acquirer)
    {
        var timeout = _options.SharedRequestTimeout;
        var deadline = new CancellationTokenSource(timeout, _time);
        ValueTask<AccessToken> acquisition;
        try
        {
            acquisition = acquirer.AcquireAsync(key, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            deadline.Dispose();
            throw TimedOut(key, timeout, inner: null);
        }
        catch
        {
            deadline.Dispose();
            throw;
        }

        if (!acquisition.IsCompletedSuccessfully)
        {
            return new ValueTask<AccessToken>(WaitWithinDeadlineAsync(key, acquisition.AsTask(), deadline, timeout));
        }

        deadline.Dispose();
        return new ValueTask<AccessToken>(acquisition.Result ?? throw NoToken(key));
    }

    /// <summary>Waits for an acquisition under way until <paramref name="deadline"/> (which it disposes) cancels.</summary>
    private async Task<AccessToken> WaitWithinDeadlineAsync(TokenCacheKey key, Task<AccessToken> acquisition, CancellationTokenSource deadline, TimeSpan timeout)
    {
        using (deadline)
        {
            try
            {
                return await acquisition.WaitAsync(deadline.Token).ConfigureAwait(false) ?? throw NoToken(key);
            }
            catch (OperationCanceledException cancelled) when (deadline.IsCancellationRequested)
            {
                ObserveAbandoned(acquisition);
                throw TimedOut(key, timeout, cancelled);
            }
        }
    }

    private static InvalidOperationException NoToken(TokenCacheKey key) => new($"The token acquirer returned no token for {key}.");

    private TokenRequestTimeoutException TimedOut(TokenCacheKey key, TimeSpan timeout, Exception? inner)
    {
        TokenCacheLog.SharedRequestTimedOut(_logger, key, timeout);
        return new TokenRequestTimeoutException(timeout, inner);
    }

    /// <summary>An acquisition abandoned at the timeout may still fail later; observe it so nothing goes unobserved.</summary>
    // Stryker disable once Bitwise : the continuation only reads the exception, so running it after any outcome or asynchronously observes the same fault
    private static void ObserveAbandoned(Task<AccessToken> acquisition) =>
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
