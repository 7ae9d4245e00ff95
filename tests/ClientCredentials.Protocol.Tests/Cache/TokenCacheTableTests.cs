namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>
/// The open-addressing table behind the cache: replacement, conditional removal, tombstones on probe paths,
/// growth and shrinking, and lock-free readers that never miss a stored key while writers rebuild the array.
/// </summary>
public class TokenCacheTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_equal_key_built_separately_finds_the_entry()
    {
        var table = new TokenCacheTable();
        var stored = EntryFor(TestKeys.Numbered(1));
        table.Set(stored);

        Assert.True(table.TryGet(TestKeys.Numbered(1), out var found));
        Assert.Same(stored, found);
        Assert.False(table.TryGet(TestKeys.Numbered(2), out _));
    }

    [Fact]
    public void Setting_an_equal_key_replaces_the_entry()
    {
        var table = new TokenCacheTable();
        var first = EntryFor(TestKeys.Numbered(1));
        var second = EntryFor(TestKeys.Numbered(1));
        table.Set(first);
        table.Set(second);

        Assert.Equal(1, table.Count);
        Assert.True(table.TryGet(TestKeys.Numbered(1), out var found));
        Assert.Same(second, found);
    }

    [Fact]
    public void Remove_takes_out_only_the_entry_that_is_still_stored()
    {
        var table = new TokenCacheTable();
        var replaced = EntryFor(TestKeys.Numbered(1));
        var current = EntryFor(TestKeys.Numbered(1));
        table.Set(replaced);
        table.Set(current);

        Assert.False(table.Remove(replaced));
        Assert.True(table.TryGet(TestKeys.Numbered(1), out _));
        Assert.True(table.Remove(current));
        Assert.False(table.TryGet(TestKeys.Numbered(1), out _));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void A_removed_entry_on_a_probe_path_does_not_hide_the_keys_after_it()
    {
        // Three keys that start probing at the same slot of the smallest table: they sit one after another.
        var colliding = KeysWithSameHomeSlot(3);
        var table = new TokenCacheTable();
        var entries = colliding.Select(EntryFor).ToArray();
        foreach (var entry in entries)
        {
            table.Set(entry);
        }

        Assert.True(table.Remove(entries[0]));

        Assert.False(table.TryGet(colliding[0], out _));
        Assert.True(table.TryGet(colliding[1], out var second));
        Assert.Same(entries[1], second);
        Assert.True(table.TryGet(colliding[2], out var third));
        Assert.Same(entries[2], third);

        // The key comes back into the freed slot, and is found again.
        var again = EntryFor(colliding[0]);
        table.Set(again);
        Assert.True(table.TryGet(colliding[0], out var found));
        Assert.Same(again, found);
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void The_table_grows_to_hold_every_entry_and_keeps_a_quarter_of_it_empty()
    {
        var table = new TokenCacheTable();
        for (var i = 0; i < 5_000; i++)
        {
            table.Set(EntryFor(TestKeys.Numbered(i)));
            Assert.True(table.Count * 4L <= table.Capacity * 3L, $"{table.Count} entries in {table.Capacity} slots");
        }

        Assert.Equal(5_000, table.Count);
        for (var i = 0; i < 5_000; i++)
        {
            Assert.True(table.TryGet(TestKeys.Numbered(i), out var entry));
            Assert.Equal($"client-{i}", entry.Key.ClientId);
        }
    }

    [Fact]
    public void Removing_most_entries_gives_the_memory_back_and_keeps_the_rest()
    {
        var table = new TokenCacheTable();
        var entries = Enumerable.Range(0, 4_000).Select(i => EntryFor(TestKeys.Numbered(i))).ToArray();
        foreach (var entry in entries)
        {
            table.Set(entry);
        }

        var grown = table.Capacity;
        var removed = table.RemoveWhere(static (entry, _) => !entry.Key.ClientId.EndsWith('7'), 0);

        Assert.Equal(3_600, removed);
        Assert.Equal(400, table.Count);
        Assert.True(table.Capacity < grown, $"capacity {table.Capacity} after removing 90 % of {grown}");
        foreach (var entry in entries)
        {
            var kept = entry.Key.ClientId.EndsWith('7');
            Assert.Equal(kept, table.TryGet(entry.Key, out _));
        }
    }

    [Fact]
    public void Removing_and_adding_keys_forever_does_not_fill_the_table_with_tombstones()
    {
        var table = new TokenCacheTable();
        for (var i = 0; i < 20_000; i++)
        {
            var entry = EntryFor(TestKeys.Numbered(i));
            table.Set(entry);
            Assert.True(table.Remove(entry));
        }

        Assert.Equal(0, table.Count);
        Assert.Equal(TokenCacheTable.MinCapacity, table.Capacity);
        Assert.False(table.TryGet(TestKeys.Numbered(19_999), out _));
    }

    [Fact]
    public void Clear_empties_the_table_and_returns_to_the_smallest_array()
    {
        var table = new TokenCacheTable();
        for (var i = 0; i < 100; i++)
        {
            table.Set(EntryFor(TestKeys.Numbered(i)));
        }

        table.Clear();

        Assert.Equal(0, table.Count);
        Assert.Equal(TokenCacheTable.MinCapacity, table.Capacity);
        Assert.False(table.TryGet(TestKeys.Numbered(5), out _));
        Assert.Empty(table.Snapshot());
    }

    [Fact]
    public void Snapshot_lists_each_stored_entry_once()
    {
        var table = new TokenCacheTable();
        var entries = Enumerable.Range(0, 50).Select(i => EntryFor(TestKeys.Numbered(i))).ToArray();
        foreach (var entry in entries)
        {
            table.Set(entry);
        }

        table.Remove(entries[7]);

        var snapshot = table.Snapshot();
        Assert.Equal(49, snapshot.Count);
        Assert.Equal(entries.Where((_, i) => i != 7).ToHashSet(ReferenceEqualityComparer.Instance), snapshot.ToHashSet(ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public async Task Readers_never_miss_a_stored_key_while_a_writer_grows_shrinks_and_rebuilds_the_array()
    {
        var table = new TokenCacheTable();
        var stable = Enumerable.Range(0, 64).Select(i => TestKeys.Numbered(1_000_000 + i)).ToArray();
        foreach (var key in stable)
        {
            table.Set(EntryFor(key));
        }

        var writerDone = 0;
        var misses = 0;
        var reads = 0L;
        using var readersRunning = new CountdownEvent(3);
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var signalled = false;
            while (Volatile.Read(ref writerDone) == 0)
            {
                if (!signalled)
                {
                    readersRunning.Signal();
                    signalled = true;
                }

                foreach (var key in stable)
                {
                    if (!table.TryGet(key, out var entry) || !entry.Key.Equals(key))
                    {
                        Interlocked.Increment(ref misses);
                    }

                    Interlocked.Increment(ref reads);
                }
            }
        })).ToArray();

        var writer = Task.Run(() =>
        {
            try
            {
                Assert.True(readersRunning.Wait(TimeSpan.FromSeconds(30)), "the readers started");

                // Waves of 2,000 keys in and out: the array grows, shrinks and drops tombstones many times over.
                for (var wave = 0; wave < 20; wave++)
                {
                    var churn = Enumerable.Range(wave * 2_000, 2_000).Select(i => EntryFor(TestKeys.Numbered(i))).ToArray();
                    foreach (var entry in churn)
                    {
                        table.Set(entry);
                    }

                    foreach (var entry in churn)
                    {
                        table.Remove(entry);
                    }

                    // Replacing a stable key's entry is a single slot write: readers see the old or the new entry.
                    table.Set(EntryFor(stable[wave % stable.Length]));
                }
            }
            finally
            {
                Volatile.Write(ref writerDone, 1);
            }
        });

        // A reader stuck in an endless probe would hang the run: fail it instead.
        await writer.WaitAsync(TimeSpan.FromSeconds(120));
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(Interlocked.Read(ref reads) >= 3 * stable.Length);
        Assert.Equal(0, misses);
        Assert.Equal(stable.Length, table.Count);
    }

    private static TokenCacheEntry EntryFor(TokenCacheKey key)
    {
        var token = new AccessToken($"token-for-{key.ClientId}", "Bearer", Now.AddHours(1), null, null, key.Scopes, Guid.NewGuid().ToString(), TokenSource.IdentityProvider);
        return TokenCacheEntry.Create(key, token, Now, new TokenCacheOptions(), out _);
    }

    /// <summary>Keys whose hash lands on the same slot of a <see cref="TokenCacheTable.MinCapacity"/>-slot array.</summary>
    private static TokenCacheKey[] KeysWithSameHomeSlot(int count)
    {
        const int mask = TokenCacheTable.MinCapacity - 1;
        var home = TestKeys.Numbered(0).GetHashCode() & mask;
        return Enumerable.Range(0, 10_000).Select(TestKeys.Numbered).Where(k => (k.GetHashCode() & mask) == home).Take(count).ToArray();
    }
}
