using Microsoft.Extensions.Caching.Distributed;

namespace ClientCredentials.Protocol.Caching.Store;

/// <summary>
/// The store over any <see cref="IDistributedCache"/> (Redis, SQL Server, PostgreSQL, …): values with an absolute
/// expiry. <see cref="IDistributedCache"/> has no compare-and-delete, so a removal reads, compares and removes; a token
/// another instance stores in between may be removed with it, which costs that key one more token request.
/// </summary>
internal sealed class DistributedCacheTokenStore(IDistributedCache cache) : ITokenStore
{
    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => cache.GetAsync(key, cancellationToken);

    public Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        cache.SetAsync(key, value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = timeToLive }, cancellationToken);

    public async Task RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken)
    {
        var current = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (current is not null && current.AsSpan().SequenceEqual(expected))
        {
            await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }
}
