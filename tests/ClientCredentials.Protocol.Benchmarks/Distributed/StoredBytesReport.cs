using ClientCredentials.Protocol.Benchmarks.Fakes;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Benchmarks.Distributed;

/// <summary>
/// Bytes stored per token in the shared store, for the same token (1,800 and 90 characters): the value each contender
/// hands to the same <c>RedisCache</c> IDistributedCache on Garnet after one token request. This library's value is the
/// same on Redis directly (checked here with a GET). Microsoft.Identity.Web stores MSAL.NET's serialized app token
/// cache for the client and tenant (plain, its default, and with <c>Encrypt = true</c>).
/// </summary>
internal static class StoredBytesReport
{
    public static async Task RunAsync()
    {
        using var garnet = new GarnetOnLoopback();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.Configuration);
        var store = Store(redis, "ours:");
        var miwStore = Store(redis, "miw:");
        var miwEncryptedStore = Store(redis, "miw-encrypted:");

        Console.WriteLine("| Contender | Token | Bytes stored | Beyond the token's characters |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var tokenLength in new[] { 1_800, 90 })
        {
            var handler = new CannedTokenEndpointHandler(new string('t', tokenLength));

            var (ours, _, level) = DistributedContenders.OursOnDistributedCache(handler, store, $"bytes{tokenLength}:");
            await ours.GetTokenAsync();
            await level.WhenIdleAsync();
            var oursBytes = LastValue(store, "ClientCredentials.Protocol").Length;
            Print("ClientCredentials.Protocol (encrypted, Data Protection)", tokenLength, oursBytes);

            var (oursOnRedis, _, redisLevel) = DistributedContenders.OursOnRedis(handler, redis, $"bytes-redis{tokenLength}:");
            await oursOnRedis.GetTokenAsync();
            await redisLevel.WhenIdleAsync();
            var onRedis = await ValueOnRedisAsync(redis, garnet, $"bytes-redis{tokenLength}:t:*");
            if (Math.Abs(onRedis - oursBytes) > 8)
            {
                throw new InvalidOperationException($"The value on Redis ({onRedis} B) should be the size of the IDistributedCache value ({oursBytes} B): same format, other random IV only.");
            }

            // Microsoft.Identity.Web keeps one service provider per configuration delegate, so each variant keeps the
            // store it was first given; both variants write the same key (client and tenant), removed after reading.
            Print("Microsoft.Identity.Web 4.18 (Encrypt = false, its default)", tokenLength, await MiwValueAsync(handler, miwStore, encrypt: false));
            Print("Microsoft.Identity.Web 4.18 (Encrypt = true)", tokenLength, await MiwValueAsync(handler, miwEncryptedStore, encrypt: true));

            if (handler.TokenRequests != 4)
            {
                throw new InvalidOperationException($"Each contender should have made one token request; they made {handler.TokenRequests}.");
            }
        }
    }

    private static RecordingDistributedCache Store(IConnectionMultiplexer redis, string instanceName) =>
        new(new RedisCache(new RedisCacheOptions { InstanceName = instanceName, ConnectionMultiplexerFactory = () => Task.FromResult(redis) }));

    private static async Task<int> MiwValueAsync(CannedTokenEndpointHandler handler, RecordingDistributedCache store, bool encrypt)
    {
        var result = await DistributedContenders.Miw(handler, store, disableL1: true, encrypt).AcquireTokenForClient([BenchmarkTenant.Scope]).ExecuteAsync();
        if (result.AuthenticationResultMetadata.TokenSource != Microsoft.Identity.Client.TokenSource.IdentityProvider)
        {
            throw new InvalidOperationException("Microsoft.Identity.Web found a token already: the previous run's value was not removed.");
        }

        var (key, value) = store.LastWrite ?? throw new InvalidOperationException("Microsoft.Identity.Web wrote nothing to the store.");
        await store.RemoveAsync(key);
        return value.Length;
    }

    private static byte[] LastValue(RecordingDistributedCache store, string contender)
    {
        var (_, value) = store.LastWrite ?? throw new InvalidOperationException($"{contender} wrote nothing to the store.");
        return value;
    }

    private static async Task<long> ValueOnRedisAsync(IConnectionMultiplexer redis, GarnetOnLoopback garnet, string pattern)
    {
        var server = redis.GetServer("127.0.0.1", garnet.Port);
        await foreach (var key in server.KeysAsync(pattern: pattern))
        {
            return await redis.GetDatabase().StringLengthAsync(key);
        }

        throw new InvalidOperationException($"No key matches {pattern} on the store.");
    }

    private static void Print(string contender, int tokenLength, int bytes) =>
        Console.WriteLine($"| {contender} | {tokenLength:N0} chars | {bytes:N0} B | {bytes - tokenLength:N0} B |");
}
