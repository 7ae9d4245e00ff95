using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching.Store;

/// <summary>
/// The store on Redis itself (any server that speaks its protocol: Redis, Valkey, Garnet): a string per token with a
/// millisecond expiry (<c>SET … PX</c>), one round trip per read, and an atomic compare-and-delete
/// (<c>WATCH</c>/<c>MULTI</c>/<c>EXEC</c>), so a token another instance just stored is never removed by mistake.
/// StackExchange.Redis calls take no cancellation token; the caller bounds their wait.
/// </summary>
internal sealed class RedisTokenStore(IConnectionMultiplexer redis) : ITokenStore
{
    private IDatabase Database => redis.GetDatabase();

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await Database.StringGetAsync(key).ConfigureAwait(false);
        return value.IsNull ? null : (byte[]?)value;
    }

    public Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        Database.StringSetAsync(key, value, timeToLive);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("StackExchange.Redis", "SER301", Justification = "DELEX (StringDelete with a condition) needs Redis 8.4; WATCH/MULTI/EXEC works on Redis 7, Valkey and Garnet.")]
    public Task RemoveIfUnchangedAsync(string key, byte[] expected, CancellationToken cancellationToken)
    {
        var transaction = Database.CreateTransaction();
        transaction.AddCondition(Condition.StringEqual(key, expected));
        _ = transaction.KeyDeleteAsync(key);
        return transaction.ExecuteAsync();
    }
}
