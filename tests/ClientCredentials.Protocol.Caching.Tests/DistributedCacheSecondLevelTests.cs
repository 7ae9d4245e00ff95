using ClientCredentials.Protocol.Caching.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace ClientCredentials.Protocol.Caching.Tests;

/// <summary>The distributed cache on an <see cref="IDistributedCache"/> (Microsoft's RedisCache on the same server).</summary>
public sealed class DistributedCacheSecondLevelTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly LoopbackWireMock _endpoint = LoopbackWireMock.Start();
    private readonly DistributedTokenCacheOptions _options = FleetKit.Options();

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task A_second_instance_gets_the_token_from_the_distributed_cache()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()));
        using var cache = RedisCache();

        var firstLevel = DistributedTokenCache.OnDistributedCache(cache, FleetKit.Protector, _options);
        var first = await FleetKit.Instance(_endpoint, firstLevel).GetTokenAsync();
        await firstLevel.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var second = await FleetKit.Instance(_endpoint, DistributedTokenCache.OnDistributedCache(cache, FleetKit.Protector, _options)).GetTokenAsync();

        Assert.Equal(1, _endpoint.RequestCount);
        Assert.Equal(TokenSource.DistributedCache, second.Source);
        Assert.Equal(first.Token, second.Token);
        Assert.Equal(first.ExpiresOn, second.ExpiresOn);
    }

    [Fact]
    public async Task A_changed_value_is_a_miss_and_an_invalidated_token_is_removed()
    {
        _endpoint.StubSequence(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()), WireMockResponses.AccessToken(FleetKit.NewToken()), WireMockResponses.AccessToken(FleetKit.NewToken()));
        using var cache = RedisCache();
        var logger = new FakeLogger();
        var secondLevel = DistributedTokenCache.OnDistributedCache(cache, FleetKit.Protector, _options, logger);
        var client = FleetKit.Instance(_endpoint, secondLevel);
        var first = await client.GetTokenAsync();
        await secondLevel.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var storeKey = $"{_options.KeyPrefix}t:{Hash(await RedisSecondLevelTests.CanonicalKeyOfAsync(client))}";
        var value = (await cache.GetAsync(storeKey))!;
        value[10] ^= 0xff;
        await cache.SetAsync(storeKey, value);

        var afterTamper = await FleetKit.Instance(_endpoint, DistributedTokenCache.OnDistributedCache(cache, FleetKit.Protector, _options, logger)).GetTokenAsync();
        Assert.Equal(TokenSource.IdentityProvider, afterTamper.Source);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 5001);

        await secondLevel.RemoveAsync(await RedisSecondLevelTests.CanonicalKeyOfAsync(client), afterTamper, CancellationToken.None);
        Assert.Null(await cache.GetAsync(storeKey));
        Assert.NotEqual(first.Token, afterTamper.Token);
    }

    [Fact]
    public async Task Dependency_injection_picks_the_registered_distributed_cache_and_reads_the_configuration_keys()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()));
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClientCredentials:DistributedCache:Store"] = "DistributedCache",
            ["ClientCredentials:DistributedCache:KeyPrefix"] = _options.KeyPrefix,
            ["ClientCredentials:DistributedCache:OperationTimeout"] = "00:00:02",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        services.AddStackExchangeRedisCache(o => o.Configuration = fixture.Server.Configuration);
        services.AddSingleton(FleetKit.KeyRing);
        services.AddClientCredentialsDistributedCache();
        services.AddClientCredentials("graph", o =>
        {
            o.Instance = _endpoint.BaseAddress.ToString();
            o.TenantId = TestIds.TenantId;
            o.ClientId = TestIds.SecretAppId;
            o.Credential = new ClientSecretCredential(FleetKit.Secret);
            o.Scopes = [FleetKit.Scope];
        });
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<Protocol.Extensions.IClientCredentialsClientFactory>().Get("graph").GetTokenAsync();

        var secondLevel = Assert.IsType<DistributedTokenCache>(provider.GetRequiredService<TokenCacheSecondLevel>());
        await secondLevel.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(_options.KeyPrefix, secondLevel.Options.KeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(2), secondLevel.Options.OperationTimeout);
        Assert.NotEmpty(await fixture.EntriesAsync(_options.KeyPrefix));
    }

    [Fact]
    public void Without_a_store_or_with_a_bad_configuration_value_resolution_names_the_key()
    {
        var services = new ServiceCollection();
        services.AddClientCredentialsDistributedCache();
        using (var provider = services.BuildServiceProvider())
        {
            var error = Assert.Throws<ClientCredentialsConfigurationException>(() => provider.GetRequiredService<TokenCacheSecondLevel>());
            Assert.Equal("ClientCredentials:DistributedCache:Store", error.Setting);
        }

        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClientCredentials:DistributedCache:OperationTimeout"] = "fast",
        }).Build();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        using (var provider = services.BuildServiceProvider())
        {
            var error = Assert.Throws<ClientCredentialsConfigurationException>(() => provider.GetRequiredService<TokenCacheSecondLevel>());
            Assert.Equal("ClientCredentials:DistributedCache:OperationTimeout", error.Setting);
        }
    }

    private RedisCache RedisCache() => new(Options.Create(new RedisCacheOptions { Configuration = fixture.Server.Configuration }));

    private static string Hash(string canonicalKey) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonicalKey))).ToLowerInvariant();
}
