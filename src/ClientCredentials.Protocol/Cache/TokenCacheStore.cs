using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol;

/// <summary>
/// The bounded map from <see cref="TokenCacheKey"/> to <see cref="TokenCacheEntry"/>. Reads take no lock.
/// Writes keep the map within <see cref="TokenCacheOptions.MaxEntries"/> (expired entries first, then least
/// recently used, down to 90 %) and, at most once per <see cref="SweepInterval"/>, drop entries that can no
/// longer be served — no timer per entry.
/// </summary>
internal sealed class TokenCacheStore
{
    /// <summary>The least time between two sweeps for expired entries.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<TokenCacheKey, TokenCacheEntry> _entries = new();
    private readonly object _evictionGate = new();
    private readonly int _maxEntries;
    private readonly int _evictionTarget;
    private readonly ILogger _logger;
    private long _nextSweepTicks;

    public TokenCacheStore(int maxEntries, ILogger logger)
    {
        _maxEntries = maxEntries;
        _evictionTarget = Math.Max(1, (int)(maxEntries * 0.9));
        _logger = logger;
    }

    public int Count => _entries.Count;

    public bool TryGet(TokenCacheKey key, out TokenCacheEntry entry) => _entries.TryGetValue(key, out entry!);

    /// <summary>Stores (or replaces) the entry for <paramref name="key"/>, then enforces the bound and sweeps when due.</summary>
    public void Store(TokenCacheKey key, TokenCacheEntry entry, long nowTicks)
    {
        _entries[key] = entry;

        if (_entries.Count > _maxEntries)
        {
            Evict(key, nowTicks);
        }
        else if (nowTicks >= Volatile.Read(ref _nextSweepTicks))
        {
            Volatile.Write(ref _nextSweepTicks, nowTicks + SweepInterval.Ticks);
            RemoveUnusable(nowTicks);
        }
    }

    /// <summary>Removes the entry only when it is still <paramref name="expected"/>.</summary>
    public bool Remove(TokenCacheKey key, TokenCacheEntry expected) =>
        _entries.TryRemove(new KeyValuePair<TokenCacheKey, TokenCacheEntry>(key, expected));

    public void Clear() => _entries.Clear();

    private int RemoveUnusable(long nowTicks)
    {
        var removed = 0;
        foreach (var pair in _entries)
        {
            if (!pair.Value.IsUsable(nowTicks) && _entries.TryRemove(pair))
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
            if (_entries.Count <= _maxEntries)
            {
                return;
            }

            var expired = RemoveUnusable(nowTicks);
            Volatile.Write(ref _nextSweepTicks, nowTicks + SweepInterval.Ticks);

            var leastRecentlyUsed = 0;
            var excess = _entries.Count - _evictionTarget;
            if (excess > 0)
            {
                // Stamps are read once into the snapshot so the sort sees stable values while hits keep touching entries.
                var candidates = new List<(long LastAccess, KeyValuePair<TokenCacheKey, TokenCacheEntry> Pair)>(_entries.Count);
                foreach (var pair in _entries)
                {
                    if (!pair.Key.Equals(justStored))
                    {
                        candidates.Add((pair.Value.LastAccessTicks, pair));
                    }
                }

                candidates.Sort(static (a, b) => a.LastAccess.CompareTo(b.LastAccess));
                for (var i = 0; i < candidates.Count && leastRecentlyUsed < excess; i++)
                {
                    if (_entries.TryRemove(candidates[i].Pair))
                    {
                        leastRecentlyUsed++;
                    }
                }
            }

            TokenCacheLog.Evicted(_logger, _maxEntries, expired, leastRecentlyUsed);
        }
    }
}
