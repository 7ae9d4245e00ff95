using Microsoft.Extensions.Caching.Distributed;

namespace ClientCredentials.Protocol.Benchmarks.Distributed;

/// <summary>
/// Passes every call to the real <see cref="IDistributedCache"/> and counts reads and writes, keeping the last value
/// written: the benchmarks check that each measured call did read the store, and the bytes report reads the value size.
/// </summary>
internal sealed class RecordingDistributedCache(IDistributedCache inner) : IDistributedCache
{
    private int _reads;
    private int _writes;

    public int Reads => Volatile.Read(ref _reads);

    public int Writes => Volatile.Read(ref _writes);

    /// <summary>The key and value of the last write.</summary>
    public (string Key, byte[] Value)? LastWrite { get; private set; }

    public byte[]? Get(string key)
    {
        Interlocked.Increment(ref _reads);
        return inner.Get(key);
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        Interlocked.Increment(ref _reads);
        return inner.GetAsync(key, token);
    }

    public void Refresh(string key) => inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

    public void Remove(string key) => inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        Record(key, value);
        inner.Set(key, value, options);
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Record(key, value);
        return inner.SetAsync(key, value, options, token);
    }

    public void ResetCounts()
    {
        Volatile.Write(ref _reads, 0);
        Volatile.Write(ref _writes, 0);
    }

    private void Record(string key, byte[] value)
    {
        Interlocked.Increment(ref _writes);
        LastWrite = (key, value.ToArray());
    }
}
