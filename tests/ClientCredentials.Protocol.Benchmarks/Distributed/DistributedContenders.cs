using ClientCredentials.Protocol.Benchmarks.Contenders;
using ClientCredentials.Protocol.Benchmarks.Fakes;
using ClientCredentials.Protocol.Caching;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Client;
using Microsoft.Identity.Web;
using Microsoft.Identity.Web.TokenCacheProviders;
using Microsoft.Identity.Web.TokenCacheProviders.Distributed;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Benchmarks.Distributed;

/// <summary>
/// The L2 contenders, each wired as its documentation says: this library's <see cref="DistributedTokenCache"/> behind a
/// memory <see cref="TokenCache"/>, and MSAL.NET with Microsoft.Identity.Web's distributed token cache serializer
/// (<c>AddDistributedTokenCaches</c>, as <c>AddDistributedTokenCache</c> wires it; its memory L1 off when a benchmark
/// measures the store, on otherwise).
/// </summary>
internal static class DistributedContenders
{
    /// <summary>The one Data Protection key ring of the benchmark (an application's instances share theirs).</summary>
    public static IDataProtectionProvider KeyRing { get; } = new EphemeralDataProtectionProvider();

    /// <summary>A client with its own memory cache over a DistributedTokenCache on Redis.</summary>
    public static (ClientCredentialsClient Client, TokenCache Cache, DistributedTokenCache Level) OursOnRedis(HttpMessageHandler handler, IConnectionMultiplexer redis, string keyPrefix, IDataProtectionProvider? keyRing = null, TokenAuthority? authority = null)
    {
        var level = DistributedTokenCache.OnRedis(redis, (keyRing ?? KeyRing).CreateProtector(DistributedTokenCache.ProtectorPurpose), Options(keyPrefix));
        return Ours(handler, level, authority);
    }

    /// <summary>A client with its own memory cache over a DistributedTokenCache on any IDistributedCache.</summary>
    public static (ClientCredentialsClient Client, TokenCache Cache, DistributedTokenCache Level) OursOnDistributedCache(HttpMessageHandler handler, IDistributedCache store, string keyPrefix)
    {
        var level = DistributedTokenCache.OnDistributedCache(store, KeyRing.CreateProtector(DistributedTokenCache.ProtectorPurpose), Options(keyPrefix));
        return Ours(handler, level, authority: null);
    }

    /// <summary>
    /// MSAL.NET with Microsoft.Identity.Web's distributed token cache over <paramref name="store"/>. With
    /// <paramref name="disableL1"/> every call reads the store and deserializes the blob (the memory-miss path); with
    /// <paramref name="encrypt"/> the blob is protected with Data Protection as ours always is.
    /// </summary>
    public static IConfidentialClientApplication Miw(HttpMessageHandler handler, IDistributedCache store, bool disableL1, bool encrypt)
    {
        var app = Msal.CreateApplication(handler);

        // What AddDistributedTokenCache does (AddDistributedTokenCaches, AddDataProtection, the caller's registrations,
        // Initialize), with a service provider per application: AddDistributedTokenCache keeps ONE per process (keyed
        // by its own delegate), so a second configuration in the same process would silently get the first one's store.
        var services = new ServiceCollection();
        services.AddDistributedTokenCaches();
        services.AddDataProtection();
        services.AddLogging();
        services.AddSingleton(store);
        services.AddSingleton(KeyRing);
        services.Configure<MsalDistributedTokenCacheAdapterOptions>(options =>
        {
            options.DisableL1Cache = disableL1;
            options.Encrypt = encrypt;
        });
        var provider = services.BuildServiceProvider().GetRequiredService<IMsalTokenCacheProvider>();
        provider.Initialize(app.UserTokenCache);
        provider.Initialize(app.AppTokenCache);
        return app;
    }

    private static DistributedTokenCacheOptions Options(string keyPrefix) => new()
    {
        KeyPrefix = keyPrefix,

        // Loopback on a loaded machine: a slow call must not turn into a miss and change what is measured.
        OperationTimeout = TimeSpan.FromSeconds(2),
    };

    private static (ClientCredentialsClient, TokenCache, DistributedTokenCache) Ours(HttpMessageHandler handler, DistributedTokenCache level, TokenAuthority? authority)
    {
        var cache = new TokenCache(new TokenCacheOptions { SecondLevel = level });
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = authority ?? TokenAuthority.Entra(BenchmarkTenant.TenantId),
            ClientId = BenchmarkTenant.ClientId,
            Credential = new ClientSecretCredential(BenchmarkTenant.ClientSecret),
            Scopes = [BenchmarkTenant.Scope],
            HttpClient = new HttpClient(handler, disposeHandler: false),
            Cache = cache,
        });
        return (client, cache, level);
    }
}
