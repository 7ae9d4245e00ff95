using System.Collections.Concurrent;
using ClientCredentials.Protocol.Caching.Diagnostics;
using ClientCredentials.Protocol.Caching.Fleet;
using ClientCredentials.Protocol.Caching.Format;
using ClientCredentials.Protocol.Caching.Keys;
using ClientCredentials.Protocol.Caching.Resilience;
using ClientCredentials.Protocol.Caching.Store;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching;

/// <summary>
/// A distributed second cache level for the <see cref="TokenCache"/> (<see cref="TokenCacheOptions.SecondLevel"/>): every
/// instance of a service reads the tokens any of them obtained, so a restart or a new instance asks the token endpoint
/// only when no instance has a fresh token. Values are encrypted with ASP.NET Core Data Protection and bound to their
/// key; keys are a SHA-256 behind <see cref="DistributedTokenCacheOptions.KeyPrefix"/>. Each store call has its own
/// short timeout and all share one circuit breaker: a failing store is a miss, never an error for a caller. On Redis
/// (<see cref="OnRedis"/>) a lease per key makes one instance of the fleet ask the endpoint while the others wait for its
/// token (<see cref="DistributedTokenCacheOptions.FleetSingleFlight"/>).
/// </summary>
public sealed class DistributedTokenCache : TokenCacheSecondLevel
{
    /// <summary>
    /// The Data Protection purpose of the stored values; it names the library and the value format version. Protect
    /// with <c>provider.CreateProtector(ProtectorPurpose)</c> so that every instance (same application name and key
    /// ring) reads what the others wrote.
    /// </summary>
    public const string ProtectorPurpose = "ClientCredentials.Protocol.Caching.DistributedTokenCache.v1";

    /// <summary>A token with less left than this is not worth a store round trip.</summary>
    private static readonly TimeSpan MinimumTimeToLive = TimeSpan.FromSeconds(1);

    private readonly ITokenStore _store;
    private readonly RedisFleetLeases? _leases;
    private readonly ProtectedTokenCodec _codec;
    private readonly StoreCallPipeline _calls;
    private readonly DistributedTokenCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // The tokens a resource rejected, by store key: never served again from the store, even while the removal is on its way.
    private readonly ConcurrentDictionary<string, AccessToken> _rejected = new(StringComparer.Ordinal);

    private DistributedTokenCache(ITokenStore store, RedisFleetLeases? leases, IDataProtector protector, DistributedTokenCacheOptions? options, ILogger? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(protector);
        _options = options ?? new DistributedTokenCacheOptions();
        _options.Validate();
        _store = store;
        _leases = _options.FleetSingleFlight ? leases : null;
        _codec = new ProtectedTokenCodec(protector);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _calls = new StoreCallPipeline(_options, _time, _logger);
    }

    /// <summary>The options this cache was created with.</summary>
    public DistributedTokenCacheOptions Options => _options;

    /// <summary>True while the store's circuit is open: tokens come from memory and the token endpoint only.</summary>
    public bool IsCircuitOpen => _calls.IsOpen;

    /// <summary>
    /// A cache on Redis (or Garnet, Valkey) through <paramref name="redis"/>: values as strings with a millisecond expiry,
    /// atomic removal of exactly the rejected token, and — with <see cref="DistributedTokenCacheOptions.FleetSingleFlight"/> —
    /// one token request per key for the whole fleet. Connect with <c>AbortOnConnectFail = false</c> so that an
    /// unreachable server does not stop the application from starting; until it answers, this cache is a miss.
    /// </summary>
    public static DistributedTokenCache OnRedis(IConnectionMultiplexer redis, IDataProtector protector, DistributedTokenCacheOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var validated = options ?? new DistributedTokenCacheOptions();
        validated.Validate();
        return new DistributedTokenCache(new RedisTokenStore(redis), new RedisFleetLeases(redis, StoreKey.ChannelFor(validated.KeyPrefix)), protector, validated, logger, timeProvider);
    }

    /// <summary>
    /// A cache on any <see cref="IDistributedCache"/> (Redis, SQL Server, PostgreSQL, …). Without an atomic lease, each
    /// instance that misses asks the endpoint itself; use <see cref="OnRedis"/> for one request per key across the fleet.
    /// </summary>
    public static DistributedTokenCache OnDistributedCache(IDistributedCache cache, IDataProtector protector, DistributedTokenCacheOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return new DistributedTokenCache(new DistributedCacheTokenStore(cache), leases: null, protector, options, logger, timeProvider);
    }

    /// <inheritdoc />
    public override async Task<SecondLevelToken> GetOrAcquireAsync(SecondLevelLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var key = StoreKey.For(lookup.CacheKey, _options.KeyPrefix);
        if (lookup.ForceRefresh)
        {
            return await AcquireAndStoreAsync(key, lookup, cancellationToken).ConfigureAwait(false);
        }

        if (await ReadAsync(key, lookup, firstRead: true, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        return _leases is null
            ? await AcquireAndStoreAsync(key, lookup, cancellationToken).ConfigureAwait(false)
            : await AcquireOncePerFleetAsync(_leases, key, lookup, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task InvalidateAsync(string cacheKey, AccessToken rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cacheKey);
        ArgumentNullException.ThrowIfNull(rejected);
        var key = StoreKey.For(cacheKey, _options.KeyPrefix);
        _rejected[key.Id] = rejected;
        try
        {
            var (read, value) = await _calls.TryAsync("read", static (s, ct) => s.store.GetAsync(s.key, ct), (store: _store, key: key.Value), cancellationToken).ConfigureAwait(false);
            if (read && value is not null
                && _codec.TryDecode(value, key, out var stored) == StoredTokenReadOutcome.Read
                && string.Equals(stored.Token.Token, rejected.Token, StringComparison.Ordinal))
            {
                await _calls.TryAsync("remove", static async (s, ct) => { await s.store.RemoveIfUnchangedAsync(s.key, s.value, ct).ConfigureAwait(false); return true; }, (store: _store, key: key.Value, value), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up; the rejected token is still never served by this instance and expires in the store.
        }
    }

    /// <summary>
    /// The Redis path of a miss: take the key's lease and ask the endpoint, or wait for the holder's token. A holder that
    /// ends without a token (it failed, or died and its lease expired) lets the next instance take the lease; past
    /// <see cref="DistributedTokenCacheOptions.LeaseDuration"/> of waiting, or when Redis cannot be asked, an instance
    /// asks the endpoint itself. The shared request's deadline bounds all of it.
    /// </summary>
    private async Task<SecondLevelToken> AcquireOncePerFleetAsync(RedisFleetLeases leases, StoreKey key, SecondLevelLookup lookup, CancellationToken cancellationToken)
    {
        var waitUntil = _time.GetUtcNow() + _options.LeaseDuration;
        while (true)
        {
            var owner = Guid.NewGuid().ToString("N");
            var (answered, taken) = await _calls.TryAsync("lease", static (s, _) => s.leases.TryTakeAsync(s.key.Lease, s.owner, s.duration), (leases, key, owner, duration: _options.LeaseDuration), cancellationToken).ConfigureAwait(false);
            if (!answered)
            {
                return await AcquireAndStoreAsync(key, lookup, cancellationToken).ConfigureAwait(false);
            }

            if (taken)
            {
                DistributedTokenCacheTelemetry.LeaseCounter.Add(1, new KeyValuePair<string, object?>("outcome", "taken"));
                return await AcquireAsLeaseHolderAsync(leases, key, owner, lookup, cancellationToken).ConfigureAwait(false);
            }

            var remaining = waitUntil - _time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                DistributedTokenCacheLog.WaitingForLeaseHolder(_logger, key.Id, remaining);
                var (stored, leaseEnded) = await WaitForHolderAsync(leases, key, lookup, waitUntil, cancellationToken).ConfigureAwait(false);
                if (stored is not null)
                {
                    DistributedTokenCacheTelemetry.LeaseCounter.Add(1, new KeyValuePair<string, object?>("outcome", "served"));
                    return stored;
                }

                if (leaseEnded && _time.GetUtcNow() < waitUntil)
                {
                    continue;
                }
            }

            DistributedTokenCacheTelemetry.LeaseCounter.Add(1, new KeyValuePair<string, object?>("outcome", "timed_out"));
            DistributedTokenCacheLog.LeaseWaitEnded(_logger, key.Id, _options.LeaseDuration);
            return await AcquireAndStoreAsync(key, lookup, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SecondLevelToken> AcquireAsLeaseHolderAsync(RedisFleetLeases leases, StoreKey key, string owner, SecondLevelLookup lookup, CancellationToken cancellationToken)
    {
        try
        {
            // A holder that finished between this instance's read and its lease has stored the token already.
            if (await ReadAsync(key, lookup, firstRead: false, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }

            return await AcquireAndStoreAsync(key, lookup, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Give the lease back and tell the waiters, token or not: they read the store, or compete for the lease again.
            await _calls.TryAsync("release", static (s, _) => s.leases.ReleaseAsync(s.key.Lease, s.owner), (leases, key, owner), CancellationToken.None).ConfigureAwait(false);
            await _calls.TryAsync("announce", static (s, _) => s.leases.AnnounceAsync(s.key.Id), (leases, key), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for the lease holder's token: woken by its announcement, or at each poll interval, until
    /// <paramref name="waitUntil"/>. Returns the token, or whether the lease ended without one.
    /// </summary>
    private async Task<(SecondLevelToken? Stored, bool LeaseEnded)> WaitForHolderAsync(RedisFleetLeases leases, StoreKey key, SecondLevelLookup lookup, DateTimeOffset waitUntil, CancellationToken cancellationToken)
    {
        await _calls.TryAsync("subscribe", static async (leases, _) => { await leases.EnsureSubscribedAsync().ConfigureAwait(false); return true; }, leases, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var remaining = waitUntil - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return (null, false);
            }

            var announcement = leases.AnnouncementOf(key.Id);
            try
            {
                var poll = remaining < _options.LeasePollInterval ? remaining : _options.LeasePollInterval;
                await Task.WhenAny(announcement, Task.Delay(poll, _time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            finally
            {
                leases.Forget(key.Id, announcement);
            }

            if (await ReadAsync(key, lookup, firstRead: false, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return (stored, false);
            }

            var (answered, held) = await _calls.TryAsync("lease", static (s, _) => s.leases.IsHeldAsync(s.key.Lease), (leases, key), cancellationToken).ConfigureAwait(false);
            if (answered && !held)
            {
                return (null, true);
            }
        }
    }

    /// <summary>Asks the token endpoint (errors pass through unchanged) and stores the token for the other instances.</summary>
    private async Task<SecondLevelToken> AcquireAndStoreAsync(StoreKey key, SecondLevelLookup lookup, CancellationToken cancellationToken)
    {
        var token = WithRefreshPoint(await lookup.AcquireAsync(cancellationToken).ConfigureAwait(false), lookup);
        var freshUntil = lookup.FreshUntil(token);
        var timeToLive = freshUntil - _time.GetUtcNow();
        if (timeToLive >= MinimumTimeToLive)
        {
            var value = _codec.Encode(key, token, freshUntil);
            var (written, _) = await _calls.TryAsync("write", static async (s, ct) => { await s.store.SetAsync(s.key, s.value, s.timeToLive, ct).ConfigureAwait(false); return true; }, (store: _store, key: key.Value, value, timeToLive), cancellationToken).ConfigureAwait(false);
            if (written && _logger.IsEnabled(LogLevel.Debug))
            {
                var fingerprint = TokenFingerprint.Of(token.Token);
                DistributedTokenCacheLog.Stored(_logger, fingerprint, key.Id, freshUntil);
            }
        }

        return SecondLevelToken.Acquired(token);
    }

    /// <summary>
    /// The token with the refresh point the memory cache gives it, so the stored copy and this instance's copy are
    /// refreshed at the same instant.
    /// </summary>
    private static AccessToken WithRefreshPoint(AccessToken token, SecondLevelLookup lookup) =>
        token.RefreshOn is not null
            ? token
            : new AccessToken(token.Token, token.TokenType, token.ExpiresOn, lookup.RefreshOn(token), token.ExtendedExpiresOn, token.Scopes, token.CorrelationId, token.Source) { AdditionalFields = token.AdditionalFields };

    /// <summary>
    /// Reads the key's stored token: a miss when the store fails, holds nothing, or holds a value that does not decrypt,
    /// has another format version or belongs to another key (logged), is no longer fresh, is a token a resource rejected,
    /// or — for a refresh — is the token being replaced or one that is itself due for a refresh.
    /// </summary>
    private async Task<SecondLevelToken?> ReadAsync(StoreKey key, SecondLevelLookup lookup, bool firstRead, CancellationToken cancellationToken)
    {
        var (read, value) = await _calls.TryAsync("read", static (s, ct) => s.store.GetAsync(s.key, ct), (store: _store, key: key.Value), cancellationToken).ConfigureAwait(false);
        if (!read || value is null)
        {
            CountMiss(firstRead, read ? "absent" : "error");
            return null;
        }

        var outcome = _codec.TryDecode(value, key, out var stored);
        if (outcome != StoredTokenReadOutcome.Read)
        {
            // Said once per lookup: a holder's second read and a waiter's polls find the same value.
            if (firstRead)
            {
                DistributedTokenCacheLog.UnusableValue(_logger, key.Id, outcome);
            }

            CountMiss(firstRead, "unusable");
            return null;
        }

        var now = _time.GetUtcNow();
        if (!IsServable(key, stored, lookup.Replacing, now))
        {
            CountMiss(firstRead, "absent");
            return null;
        }

        DistributedTokenCacheTelemetry.HitCounter.Add(1);
        return SecondLevelToken.Stored(stored.Token, stored.FreshUntil);
    }

    private bool IsServable(StoreKey key, StoredToken stored, AccessToken? replacing, DateTimeOffset now)
    {
        if (now >= stored.FreshUntil || now >= stored.Token.ExpiresOn)
        {
            return false;
        }

        if (_rejected.TryGetValue(key.Id, out var rejected))
        {
            if (string.Equals(rejected.Token, stored.Token.Token, StringComparison.Ordinal))
            {
                return false;
            }

            if (now >= rejected.ExpiresOn)
            {
                _rejected.TryRemove(new KeyValuePair<string, AccessToken>(key.Id, rejected));
            }
        }

        return replacing is null
            || (!string.Equals(replacing.Token, stored.Token.Token, StringComparison.Ordinal) && now < (stored.Token.RefreshOn ?? stored.FreshUntil));
    }

    private static void CountMiss(bool count, string reason)
    {
        if (count)
        {
            DistributedTokenCacheTelemetry.MissCounter.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }
}
