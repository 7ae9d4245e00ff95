using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClientCredentials.Protocol.Benchmarks.Columns;
using ClientCredentials.Protocol.Benchmarks.Fakes;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Identity.Client;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Benchmarks.Distributed;

/// <summary>
/// An L2 hit: the token is not in this instance's memory but another instance stored it in the shared store (Garnet on
/// 127.0.0.1, in this process). This library: the memory cache is cleared before each call, so the call misses memory,
/// reads the store, decrypts and fills memory (on Redis through StackExchange.Redis, and through the same
/// <c>RedisCache</c> IDistributedCache Microsoft.Identity.Web uses). Microsoft.Identity.Web: MSAL.NET's
/// <c>AcquireTokenForClient</c> with <c>AddDistributedTokenCache</c> and its memory L1 off, so each call reads the store
/// and deserializes the app token cache (plain, its default, and encrypted with Data Protection as ours always is).
/// Setup puts one token in the store per contender with one request; cleanup checks that no measured call reached the
/// endpoint and that every measured call read the store.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Distributed")]
[Config(typeof(Config))]
public class L2HitBenchmarks
{
    private const string FloorKey = "l2-hit-floor";
    private readonly string[] _msalScopes = [BenchmarkTenant.Scope];
    private GarnetOnLoopback _garnet = null!;
    private ConnectionMultiplexer _redis = null!;
    private RecordingDistributedCache _store = null!;
    private RecordingDistributedCache _encryptedStore = null!;
    private CannedTokenEndpointHandler _handler = null!;
    private ClientCredentialsClient _oursOnRedis = null!;
    private TokenCache _oursOnRedisMemory = null!;
    private ClientCredentialsClient _oursOnDistributedCache = null!;
    private TokenCache _oursOnDistributedCacheMemory = null!;
    private IConfidentialClientApplication _miw = null!;
    private IConfidentialClientApplication _miwEncrypted = null!;
    private int _calls;

    /// <summary>The token's length in characters (an Entra app-only token is 1,500–2,500).</summary>
    [Params(1_800)]
    public int TokenLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _garnet = new GarnetOnLoopback();
        _redis = ConnectionMultiplexer.Connect(_garnet.Configuration);
        _store = Store("l2-hit:");
        _redis.GetDatabase().StringSet(FloorKey, new byte[TokenLength + 236]);

        // Both Microsoft.Identity.Web variants name the value after the client and tenant: each gets its own instance name.
        _encryptedStore = Store("l2-hit-encrypted:");
        _handler = new CannedTokenEndpointHandler(new string('t', TokenLength));

        (_oursOnRedis, _oursOnRedisMemory, var redisLevel) = DistributedContenders.OursOnRedis(_handler, _redis, "bench-redis:");
        (_oursOnDistributedCache, _oursOnDistributedCacheMemory, var cacheLevel) = DistributedContenders.OursOnDistributedCache(_handler, _store, "bench-idc:");
        _miw = DistributedContenders.Miw(_handler, _store, disableL1: true, encrypt: false);
        _miwEncrypted = DistributedContenders.Miw(_handler, _encryptedStore, disableL1: true, encrypt: true);

        _oursOnRedis.GetTokenAsync().AsTask().GetAwaiter().GetResult();
        _oursOnDistributedCache.GetTokenAsync().AsTask().GetAwaiter().GetResult();
        redisLevel.WhenIdleAsync().GetAwaiter().GetResult();
        cacheLevel.WhenIdleAsync().GetAwaiter().GetResult();
        _miw.AcquireTokenForClient(_msalScopes).ExecuteAsync().GetAwaiter().GetResult();
        _miwEncrypted.AcquireTokenForClient(_msalScopes).ExecuteAsync().GetAwaiter().GetResult();
        if (_handler.TokenRequests != 4 || _handler.OtherRequests != 0)
        {
            throw new InvalidOperationException($"Priming should take exactly 4 token requests and nothing else; it took {_handler.TokenRequests} token and {_handler.OtherRequests} other requests.");
        }

        // Each contender's first measured-style call must come from the store, not from memory or the endpoint.
        Expect(OursOnRedis().GetAwaiter().GetResult(), "ClientCredentials.Protocol on Redis");
        Expect(OursOnDistributedCache().GetAwaiter().GetResult(), "ClientCredentials.Protocol on IDistributedCache");
        Console.WriteLine("// Setup: 4 token requests (one per contender), 0 other requests; this library's calls are L2 hits.");
        _handler.ResetCounts();
        _store.ResetCounts();
        _encryptedStore.ResetCounts();
        _calls = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Cleanup: {_handler.TokenRequests} token requests during measurement; {_store.Reads + _encryptedStore.Reads} IDistributedCache reads for {_calls} calls through it.");
        try
        {
            if (_handler.TokenRequests != 0 || _handler.OtherRequests != 0)
            {
                throw new InvalidOperationException("A measured call reached the token endpoint instead of the store.");
            }

            if (_store.Reads + _encryptedStore.Reads < _calls)
            {
                throw new InvalidOperationException($"Only {_store.Reads + _encryptedStore.Reads} store reads for {_calls} calls: a measured call was served from memory, not the store.");
            }
        }
        finally
        {
            _redis.Dispose();
            _garnet.Dispose();
        }
    }

    /// <summary>This library on Redis (StackExchange.Redis, one GET): memory cleared, read, decrypt, fill memory.</summary>
    [Benchmark(Baseline = true)]
    public async Task<AccessToken> OursOnRedis()
    {
        _oursOnRedisMemory.Clear();
        return await _oursOnRedis.GetTokenAsync();
    }

    /// <summary>This library on the same RedisCache IDistributedCache as Microsoft.Identity.Web.</summary>
    [Benchmark]
    public async Task<AccessToken> OursOnDistributedCache()
    {
        _calls++;
        _oursOnDistributedCacheMemory.Clear();
        return await _oursOnDistributedCache.GetTokenAsync();
    }

    /// <summary>
    /// The floor no contender can go under: one GET of a value of this library's stored size over the same connection,
    /// without decryption, parsing or filling memory.
    /// </summary>
    [Benchmark]
    public async Task<int> StoreRoundTripAlone() => ((byte[]?)await _redis.GetDatabase().StringGetAsync(FloorKey))?.Length ?? throw new InvalidOperationException("The floor value is missing.");

    /// <summary>MSAL.NET + Microsoft.Identity.Web distributed token cache, L1 off, not encrypted (its default).</summary>
    [Benchmark]
    public async Task<AuthenticationResult> MicrosoftIdentityWeb()
    {
        _calls++;
        return await _miw.AcquireTokenForClient(_msalScopes).ExecuteAsync();
    }

    /// <summary>The same with <c>Encrypt = true</c> (Data Protection, as this library always does).</summary>
    [Benchmark]
    public async Task<AuthenticationResult> MicrosoftIdentityWebEncrypted()
    {
        _calls++;
        return await _miwEncrypted.AcquireTokenForClient(_msalScopes).ExecuteAsync();
    }

    private RecordingDistributedCache Store(string instanceName) =>
        new(new RedisCache(new RedisCacheOptions { InstanceName = instanceName, ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(_redis) }));

    private static void Expect(AccessToken token, string contender)
    {
        if (token.Source != TokenSource.DistributedCache)
        {
            throw new InvalidOperationException($"{contender}: a call after clearing memory came from {token.Source}, not the distributed cache.");
        }
    }

    /// <summary>Adds the "× this library" column.</summary>
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RelativeMeanColumn(
            "vs ours on Redis",
            "Mean time divided by OursOnRedis' mean time (same job)",
            static (benchmark, candidate) => candidate.Descriptor.WorkloadMethod.Name == nameof(OursOnRedis)
                && candidate.Job.DisplayInfo == benchmark.Job.DisplayInfo
                && Equals(candidate.Parameters["TokenLength"], benchmark.Parameters["TokenLength"])));
    }
}
