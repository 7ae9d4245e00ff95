using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol;

/// <summary>
/// The bounded set of cached tokens, looked up by <see cref="TokenCacheKey"/>. Reads take no lock. Writes keep the
/// store within <see cref="TokenCacheOptions.MaxEntries"/> (expired entries first, then least recently used, down
/// to 90 %) and, at most once per <see cref="SweepInterval"/>, drop entries that can no longer be served — no timer
/// per entry.
/// </summary>
internal sealed class TokenCacheStore
{
    /// <summary>The least time between two sweeps for expired entries.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly TokenCacheTable _entries = new();
    private readonly object _evictionGate = new();
    private readonly int _maxEntries;
    private readonly int _evictionTarget;
    private readonly bool _useExtendedLifetime;
    private readonly ILogger _logger;
    private long _nextSweepTicks;

    public TokenCacheStore(int maxEntries, bool useExtendedLifetime, ILogger logger)
    {
        _maxEntries = maxEntries;
        _evictionTarget = Math.Max(1, (int)(maxEntries * 0.9));
        _useExtendedLifetime = useExtendedLifetime;
        _logger = logger;
    }

    public int Count => _entries.Count;

    public bool TryGet(TokenCacheKey key, out TokenCacheEntry entry) => _entries.TryGet(key, out entry);

    /// <summary>True while <paramref name="entry"/> may still be served as a fallback (see <see cref="TokenCacheEntry.IsUsable"/>).</summary>
    public bool IsUsable(TokenCacheEntry entry, long nowTicks) => entry.IsUsable(nowTicks, _useExtendedLifetime);

    /// <summary>Stores (or replaces) the entry for its key, then enforces the bound and sweeps when due.</summary>
    public void Store(TokenCacheEntry entry, long nowTicks)
    {
        _entries.Set(entry);

        if (_entries.Count > _maxEntries)
        {
            Evict(entry, nowTicks);
        }
        else if (nowTicks >= Volatile.Read(ref _nextSweepTicks))
        {
            Volatile.Write(ref _nextSweepTicks, nowTicks + SweepInterval.Ticks);
            RemoveUnusable(nowTicks);
        }
    }

    /// <summary>Removes the entry only when it is still the one stored for its key.</summary>
    public bool Remove(TokenCacheEntry expected) => _entries.Remove(expected);

    public void Clear() => _entries.Clear();

    private int RemoveUnusable(long nowTicks) =>
        _entries.RemoveWhere(static (entry, state) => !entry.IsUsable(state.nowTicks, state.useExtendedLifetime), (nowTicks, useExtendedLifetime: _useExtendedLifetime));

    private void Evict(TokenCacheEntry justStored, long nowTicks)
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
                var candidates = new List<(long LastAccess, TokenCacheEntry Entry)>(_entries.Count);
                foreach (var entry in _entries.Snapshot())
                {
                    if (!ReferenceEquals(entry, justStored))
                    {
                        candidates.Add((entry.LastAccessTicks, entry));
                    }
                }

                candidates.Sort(static (a, b) => a.LastAccess.CompareTo(b.LastAccess));
                var victims = new HashSet<TokenCacheEntry>(ReferenceEqualityComparer.Instance);
                for (var i = 0; i < candidates.Count && victims.Count < excess; i++)
                {
                    victims.Add(candidates[i].Entry);
                }

                leastRecentlyUsed = _entries.RemoveWhere(static (entry, victims) => victims.Contains(entry), victims);
            }

            TokenCacheLog.Evicted(_logger, _maxEntries, expired, leastRecentlyUsed);
        }
    }
}
