using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching.Tests.Infrastructure;

/// <summary>One server for a test class, with one connection to it; tests keep apart by key prefix.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Redis = await Server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>Every token value in the store under <paramref name="prefix"/> (not the leases), with its raw bytes.</summary>
    public async Task<List<(string Key, byte[] Value)>> EntriesAsync(string prefix)
    {
        var server = Redis.GetServer(Redis.GetEndPoints()[0]);
        var entries = new List<(string, byte[])>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "t:*"))
        {
            var type = await Redis.GetDatabase().KeyTypeAsync(key);
            var value = type == RedisType.String ? (byte[]?)await Redis.GetDatabase().StringGetAsync(key) : null;
            entries.Add((key.ToString(), value ?? []));
        }

        return entries;
    }
}
