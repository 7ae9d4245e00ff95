using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol;

/// <summary>
/// The bounded set of cached tokens: a <see cref="ConcurrentDictionary{TKey, TValue}"/> from
/// <see cref="TokenCacheKey"/> to <see cref="TokenCacheEntry"/>. Reads take no lock. Writes keep the store within
/// <see cref="TokenCacheOptions.MaxEntries"/> (expired entries first, then least recently used, down to 90 %) and,
/// at most once per <see cref="SweepInterval"/>, drop entries that can no longer be served — no timer per entry.
/// </summary>
internal sealed class TokenCacheStore
{
    /// <summary>The least time between two sweeps for expired entries.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<TokenCacheKey, TokenCacheEntry> _entries = new();
    private readonly object _evictionGate = new();
    private readonly int _maxEntries;
    private readonly int _evictionTarget;
    private readonly bool _useExtendedLifetime;
    private readonly ILogger _logger;
    private long _nextSweepTicks;

    // ConcurrentDictionary.Count takes every lock; the store counts its own adds and removes instead.
    private int _count;

    public TokenCacheStore(int maxEntries, bool useExtendedLifetime, ILogger logger)
    {
        _maxEntries = maxEntries;
        _evictionTarget = Math.Max(1, (int)(maxEntries * 0.9));
        _useExtendedLifetime = useExtendedLifetime;
        _logger = logger;
    }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(TokenCacheKey key, out TokenCacheEntry entry) => _entries.TryGetValue(key, out entry!);

    /// <summary>True while <paramref name="entry"/> may still be served as a fallback (see <see cref="TokenCacheEntry.IsUsable"/>).</summary>
    public bool IsUsable(TokenCacheEntry entry, long nowTicks) => entry.IsUsable(nowTicks, _useExtendedLifetime);

    /// <summary>Stores (or replaces) the entry for <paramref name="key"/>, then enforces the bound and sweeps when due.</summary>
    public void Store(TokenCacheKey key, TokenCacheEntry entry, long nowTicks)
    {
        while (true)
        {
            if (_entries.TryGetValue(key, out var current))
            {
                if (_entries.TryUpdate(key, entry, current))
                {
                    break;
                }
            }
            else if (_entries.TryAdd(key, entry))
            {
                Interlocked.Increment(ref _count);
                break;
            }
        }

        if (Count > _maxEntries)
        {
            Evict(key, nowTicks);
        }
        else if (nowTicks >= Volatile.Read(ref _nextSweepTicks))
        {
            Volatile.Write(ref _nextSweepTicks, nowTicks + SweepInterval.Ticks);
            RemoveUnusable(nowTicks);
        }
    }

    /// <summary>Removes the entry for <paramref name="key"/> only when it is still <paramref name="expected"/>.</summary>
    public bool Remove(TokenCacheKey key, TokenCacheEntry expected)
    {
        if (_entries.TryRemove(new KeyValuePair<TokenCacheKey, TokenCacheEntry>(key, expected)))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }

    public void Clear()
    {
        foreach (var pair in _entries)
        {
            Remove(pair.Key, pair.Value);
        }
    }

    private int RemoveUnusable(long nowTicks)
    {
        var removed = 0;
        foreach (var (key, entry) in _entries)
        {
            if (!entry.IsUsable(nowTicks, _useExtendedLifetime) && Remove(key, entry))
            {
                removed++;
            }
        }

        return removed;
    }

    private void Evict(TokenCacheKey justStored, long nowTicks)
    {
        lock (_evictionGate)
        {
            if (Count <= _maxEntries)
            {
                return;
            }

            var expired = RemoveUnusable(nowTicks);
            Volatile.Write(ref _nextSweepTicks, nowTicks + SweepInterval.Ticks);

            var leastRecentlyUsed = 0;
            var excess = Count - _evictionTarget;
            if (excess > 0)
            {
                // Stamps are read once into the snapshot so the sort sees stable values while hits keep touching entries.
                var candidates = new List<(long LastAccess, TokenCacheKey Key, TokenCacheEntry Entry)>(Count);
                foreach (var (key, entry) in _entries)
                {
                    if (!ReferenceEquals(key, justStored) && !key.Equals(justStored))
                    {
                        candidates.Add((entry.LastAccessTicks, key, entry));
                    }
                }

                candidates.Sort(static (a, b) => a.LastAccess.CompareTo(b.LastAccess));
                for (var i = 0; i < candidates.Count && leastRecentlyUsed < excess; i++)
                {
                    if (Remove(candidates[i].Key, candidates[i].Entry))
                    {
                        leastRecentlyUsed++;
                    }
                }
            }

            TokenCacheLog.Evicted(_logger, _maxEntries, expired, leastRecentlyUsed);
        }
    }
}
