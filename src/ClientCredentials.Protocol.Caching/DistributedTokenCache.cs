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
/// token (<see cref="DistributedTokenCacheOptions.FleetSingleFlight"/>), for a cold miss and for a refresh ahead of
/// expiry alike; during a refresh the others keep serving the token in their memory.
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

    // Writes, removals and lease releases under way, so that a test can wait until there are none.
    private readonly object _workGate = new();
    private int _pendingWork;
    private TaskCompletionSource? _idle;

    // The leases this instance holds, by key hash, with their owner id: given back when the token is stored or the request failed.
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);

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
    public override async Task<TokenCacheSecondLevelEntry?> TryGetAsync(string cacheKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cacheKey);
        var key = StoreKey.For(cacheKey, _options.KeyPrefix);
        if (await ReadAsync(key, firstRead: true, replacing: null, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        return _leases is null ? null : await LeadOrWaitAsync(_leases, key, replacing: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Before this instance refreshes <paramref name="current"/> ahead of its expiry: a newer token in the store (another
    /// instance refreshed the key) is returned at once; otherwise, on Redis, the key's lease decides which instance of the
    /// fleet refreshes it. The holder gets null and asks the endpoint; the others wait in the background, serving
    /// <paramref name="current"/> meanwhile, for its token. A holder that dies, a wait past
    /// <see cref="DistributedTokenCacheOptions.LeaseDuration"/> or a store that fails makes this instance refresh itself.
    /// </summary>
    public override async Task<TokenCacheSecondLevelEntry?> TryGetRefreshedAsync(string cacheKey, AccessToken current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cacheKey);
        ArgumentNullException.ThrowIfNull(current);
        var key = StoreKey.For(cacheKey, _options.KeyPrefix);
        BeginWork();
        try
        {
            if (await ReadAsync(key, firstRead: true, replacing: current, cancellationToken).ConfigureAwait(false) is { } newer)
            {
                return newer;
            }

            return _leases is null ? null : await LeadOrWaitAsync(_leases, key, replacing: current, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EndWork();
        }
    }

    /// <inheritdoc />
    public override async Task SetAsync(string cacheKey, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cacheKey);
        ArgumentNullException.ThrowIfNull(token);
        var key = StoreKey.For(cacheKey, _options.KeyPrefix);
        BeginWork();
        try
        {
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
        }
        finally
        {
            try
            {
                await ReleaseLeaseAsync(key).ConfigureAwait(false);
            }
            finally
            {
                EndWork();
            }
        }
    }

    /// <inheritdoc />
    public override async Task AcquisitionFailedAsync(string cacheKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cacheKey);
        BeginWork();
        try
        {
            await ReleaseLeaseAsync(StoreKey.For(cacheKey, _options.KeyPrefix)).ConfigureAwait(false);
        }
        finally
        {
            EndWork();
        }
    }

    /// <inheritdoc />
    public override async Task RemoveAsync(string cacheKey, AccessToken rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cacheKey);
        ArgumentNullException.ThrowIfNull(rejected);
        var key = StoreKey.For(cacheKey, _options.KeyPrefix);
        _rejected[key.Id] = rejected;
        BeginWork();
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
        finally
        {
            EndWork();
        }
    }

    /// <summary>
    /// Completes when no write, removal or lease release of this cache is under way: the memory cache starts them
    /// without waiting, and a test waits for them before it looks at the store.
    /// </summary>
    internal Task WhenIdleAsync()
    {
        lock (_workGate)
        {
            if (_pendingWork == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    private void BeginWork()
    {
        lock (_workGate)
        {
            _pendingWork++;
        }
    }

    private void EndWork()
    {
        TaskCompletionSource? idle = null;
        lock (_workGate)
        {
            if (--_pendingWork == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    /// <summary>
    /// The Redis path of a miss: take the key's lease (then this instance asks the endpoint, and
    /// <see cref="SetAsync"/> or <see cref="AcquisitionFailedAsync"/> gives the lease back), or wait for the holder's
    /// token. A holder that ends without a token (it failed, or died and its lease expired) lets the next instance take
    /// the lease; past <see cref="DistributedTokenCacheOptions.LeaseDuration"/> of waiting, or when Redis cannot be
    /// asked, this instance asks the endpoint without a lease. The shared request's deadline bounds all of it.
    /// </summary>
    private async Task<TokenCacheSecondLevelEntry?> LeadOrWaitAsync(RedisFleetLeases leases, StoreKey key, AccessToken? replacing, CancellationToken cancellationToken)
    {
        var waitUntil = _time.GetUtcNow() + _options.LeaseDuration;
        while (true)
        {
            var owner = Guid.NewGuid().ToString("N");
            var (answered, taken) = await _calls.TryAsync("lease", static (s, _) => s.leases.TryTakeAsync(s.key.Lease, s.owner, s.duration), (leases, key, owner, duration: _options.LeaseDuration), cancellationToken).ConfigureAwait(false);
            if (!answered)
            {
                return null;
            }

            if (taken)
            {
                DistributedTokenCacheTelemetry.LeaseCounter.Add(1, new KeyValuePair<string, object?>("outcome", "taken"));
                _held[key.Id] = owner;

                // A holder that finished between this instance's read and its lease has stored the token already.
                if (await ReadAsync(key, firstRead: false, replacing, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    await ReleaseLeaseAsync(key).ConfigureAwait(false);
                    return stored;
                }

                return null;
            }

            var remaining = waitUntil - _time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                DistributedTokenCacheLog.WaitingForLeaseHolder(_logger, key.Id, remaining);
                var (stored, leaseEnded) = await WaitForHolderAsync(leases, key, replacing, waitUntil, cancellationToken).ConfigureAwait(false);
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
            return null;
        }
    }

    /// <summary>Gives back the lease this instance holds on <paramref name="key"/>, if any, and tells the waiters, token or not.</summary>
    private async Task ReleaseLeaseAsync(StoreKey key)
    {
        if (_leases is null || !_held.TryRemove(key.Id, out var owner))
        {
            return;
        }

        await _calls.TryAsync("release", static (s, _) => s.leases.ReleaseAsync(s.key.Lease, s.owner), (leases: _leases, key, owner), CancellationToken.None).ConfigureAwait(false);
        await _calls.TryAsync("announce", static (s, _) => s.leases.AnnounceAsync(s.key.Id), (leases: _leases, key), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for the lease holder's token: woken by its announcement, or at each poll interval, until
    /// <paramref name="waitUntil"/>. Returns the token, or whether the lease ended without one.
    /// </summary>
    private async Task<(TokenCacheSecondLevelEntry? Stored, bool LeaseEnded)> WaitForHolderAsync(RedisFleetLeases leases, StoreKey key, AccessToken? replacing, DateTimeOffset waitUntil, CancellationToken cancellationToken)
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

            if (await ReadAsync(key, firstRead: false, replacing, cancellationToken).ConfigureAwait(false) is { } stored)
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

    /// <summary>
    /// Reads the key's stored token: a miss when the store fails, holds nothing, or holds a value that does not decrypt,
    /// has another format version or belongs to another key (logged), is no longer fresh, is a token a resource rejected,
    /// or — before a refresh of <paramref name="replacing"/> — is that token or one that expires no later.
    /// </summary>
    private async Task<TokenCacheSecondLevelEntry?> ReadAsync(StoreKey key, bool firstRead, AccessToken? replacing, CancellationToken cancellationToken)
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
        if (!IsServable(key, stored, now))
        {
            CountMiss(firstRead, "absent");
            return null;
        }

        if (replacing is not null && !IsNewer(stored.Token, replacing))
        {
            CountMiss(firstRead, "not_newer");
            return null;
        }

        DistributedTokenCacheTelemetry.HitCounter.Add(1);
        return new TokenCacheSecondLevelEntry(stored.Token, stored.FreshUntil);
    }

    private bool IsServable(StoreKey key, StoredToken stored, DateTimeOffset now)
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

        return true;
    }

    /// <summary>A stored token replaces the one in memory only if it is another token that expires later.</summary>
    private static bool IsNewer(AccessToken stored, AccessToken current) =>
        !string.Equals(stored.Token, current.Token, StringComparison.Ordinal) && stored.ExpiresOn > current.ExpiresOn;

    private static void CountMiss(bool count, string reason)
    {
        if (count)
        {
            DistributedTokenCacheTelemetry.MissCounter.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }
}
