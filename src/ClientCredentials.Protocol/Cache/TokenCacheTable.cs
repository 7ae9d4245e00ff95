namespace ClientCredentials.Protocol;

/// <summary>
/// The hash table behind the token cache: open addressing with linear probing over an array of entry references,
/// so a cached token costs one array slot (10–21 bytes at the load factors kept here) instead of a dictionary node
/// and a separate key/value pair. Reads take no lock and allocate nothing; writes take one lock (they follow a token
/// request, so they are rare).
/// </summary>
/// <remarks>
/// Readers never see a half-built state: a slot changes by one reference write, and a resize or clean-up builds a
/// new array and publishes it whole; the old array is never written again. Removal leaves a tombstone so that
/// probes for other keys continue past it. At least a quarter of every array is empty, so every probe ends.
/// </remarks>
internal sealed class TokenCacheTable
{
    /// <summary>The smallest array; a power of two, like every capacity here.</summary>
    internal const int MinCapacity = 16;

    /// <summary>Stands in a slot whose entry was removed; it matches no key.</summary>
    private static readonly object Removed = new();

    private readonly object _writeLock = new();
    private object?[] _slots = new object?[MinCapacity];
    private int _count;
    private int _occupied;

    /// <summary>The number of entries stored.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The length of the slot array (for tests of growth and shrinking).</summary>
    internal int Capacity => Volatile.Read(ref _slots).Length;

    /// <summary>Finds the entry for <paramref name="key"/>; lock-free.</summary>
    public bool TryGet(TokenCacheKey key, out TokenCacheEntry entry)
    {
        var slots = Volatile.Read(ref _slots);
        var mask = slots.Length - 1;
        for (var i = key.GetHashCode() & mask; ; i = (i + 1) & mask)
        {
            var slot = Volatile.Read(ref slots[i]);
            if (slot is null)
            {
                entry = null!;
                return false;
            }

            if (slot is TokenCacheEntry candidate && (ReferenceEquals(candidate.Key, key) || candidate.Key.Equals(key)))
            {
                entry = candidate;
                return true;
            }
        }
    }

    /// <summary>Stores <paramref name="entry"/> under its key, replacing the entry already there.</summary>
    public void Set(TokenCacheEntry entry)
    {
        lock (_writeLock)
        {
            var index = FindForWrite(_slots, entry.Key, out var found);
            if (found)
            {
                Volatile.Write(ref _slots[index], entry);
                return;
            }

            if (_slots[index] is null)
            {
                if (!HasRoomForOneMore(_slots.Length, _occupied))
                {
                    Rebuild(_count + 1);
                    index = FindForWrite(_slots, entry.Key, out _);
                }

                _occupied++;
            }

            Volatile.Write(ref _slots[index], entry);
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Removes the entry for its key only when it is still <paramref name="expected"/>.</summary>
    public bool Remove(TokenCacheEntry expected)
    {
        lock (_writeLock)
        {
            var index = FindForWrite(_slots, expected.Key, out var found);
            if (!found || !ReferenceEquals(_slots[index], expected))
            {
                return false;
            }

            RemoveAt(index);
            ShrinkIfSparse();
            return true;
        }
    }

    /// <summary>Removes every entry for which <paramref name="shouldRemove"/> is true; returns how many.</summary>
    public int RemoveWhere<TState>(Func<TokenCacheEntry, TState, bool> shouldRemove, TState state)
    {
        lock (_writeLock)
        {
            var removed = 0;
            for (var i = 0; i < _slots.Length; i++)
            {
                if (_slots[i] is TokenCacheEntry entry && shouldRemove(entry, state))
                {
                    RemoveAt(i);
                    removed++;
                }
            }

            ShrinkIfSparse();
            return removed;
        }
    }

    /// <summary>A copy of every entry stored, taken under the write lock.</summary>
    public List<TokenCacheEntry> Snapshot()
    {
        lock (_writeLock)
        {
            var entries = new List<TokenCacheEntry>(_count);
            foreach (var slot in _slots)
            {
                if (slot is TokenCacheEntry entry)
                {
                    entries.Add(entry);
                }
            }

            return entries;
        }
    }

    /// <summary>Removes every entry and gives the memory back.</summary>
    public void Clear()
    {
        lock (_writeLock)
        {
            Volatile.Write(ref _slots, new object?[MinCapacity]);
            _occupied = 0;
            Volatile.Write(ref _count, 0);
        }
    }

    /// <summary>At most three quarters of the slots hold an entry or a tombstone.</summary>
    private static bool HasRoomForOneMore(int capacity, int occupied) => (occupied + 1) * 4L <= capacity * 3L;

    /// <summary>The smallest power-of-two capacity that holds <paramref name="count"/> entries at most half full.</summary>
    private static int CapacityFor(int count)
    {
        var capacity = MinCapacity;
        while (capacity < count * 2L)
        {
            capacity *= 2;
        }

        return capacity;
    }

    /// <summary>
    /// The slot holding <paramref name="key"/> (<paramref name="found"/>), or else where to insert it: the first
    /// tombstone on its probe path, or the empty slot that ends the path.
    /// </summary>
    private static int FindForWrite(object?[] slots, TokenCacheKey key, out bool found)
    {
        var mask = slots.Length - 1;
        var firstTombstone = -1;
        for (var i = key.GetHashCode() & mask; ; i = (i + 1) & mask)
        {
            var slot = slots[i];
            if (slot is null)
            {
                found = false;
                return firstTombstone >= 0 ? firstTombstone : i;
            }

            if (slot is TokenCacheEntry entry)
            {
                if (entry.Key.Equals(key))
                {
                    found = true;
                    return i;
                }
            }
            else if (firstTombstone < 0)
            {
                firstTombstone = i;
            }
        }
    }

    private void RemoveAt(int index)
    {
        Volatile.Write(ref _slots[index], Removed);
        Volatile.Write(ref _count, _count - 1);
    }

    /// <summary>After removals: give memory back when the table is mostly empty or mostly tombstones.</summary>
    private void ShrinkIfSparse()
    {
        var tombstones = _occupied - _count;
        if ((_slots.Length > MinCapacity && _count * 8L < _slots.Length) || tombstones * 4L > _slots.Length)
        {
            Rebuild(_count);
        }
    }

    /// <summary>Copies the entries into a new array sized for <paramref name="count"/> and publishes it; drops tombstones.</summary>
    private void Rebuild(int count)
    {
        var rebuilt = new object?[CapacityFor(count)];
        var mask = rebuilt.Length - 1;
        foreach (var slot in _slots)
        {
            if (slot is TokenCacheEntry entry)
            {
                var i = entry.Key.GetHashCode() & mask;
                while (rebuilt[i] is not null)
                {
                    i = (i + 1) & mask;
                }

                rebuilt[i] = entry;
            }
        }

        _occupied = _count;
        Volatile.Write(ref _slots, rebuilt);
    }
}
