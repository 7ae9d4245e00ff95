using ClientCredentials.Protocol.Caching.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching.Tests;

/// <summary>
/// A store that hangs, refuses connections, answers garbage, or dies and comes back: every token still comes from
/// memory or the endpoint, no caller sees an error, the circuit opens and closes by itself and says so once each time.
/// </summary>
public sealed class StoreFaultTests : IDisposable
{
    private readonly LoopbackWireMock _endpoint = LoopbackWireMock.Start();

    public StoreFaultTests() =>
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()));

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task A_store_that_never_answers_costs_one_short_timeout_per_call_until_the_circuit_opens_once()
    {
        using var silent = HostileRedisEndpoint.Silent();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(silent.Configuration);
        await AssertTokensStillFlowAsync(redis);
    }

    [Fact]
    public async Task A_store_that_refuses_connections_is_a_miss()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{HostileRedisEndpoint.RefusingPort()},abortConnect=false,connectTimeout=500");
        await AssertTokensStillFlowAsync(redis);
    }

    [Fact]
    public async Task A_store_that_answers_garbage_is_a_miss()
    {
        using var garbage = HostileRedisEndpoint.Garbage();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(garbage.Configuration);
        await AssertTokensStillFlowAsync(redis);
    }

    [Fact]
    public async Task A_server_that_dies_and_comes_back_is_used_again_after_the_break_without_any_caller_error()
    {
        await using var server = await RedisServer.StartAsync();
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var options = ConfigurationOptions.Parse(server.Configuration);
        options.BacklogPolicy = BacklogPolicy.FailFast; // while disconnected, commands fail at once rather than wait
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var logger = new FakeLogger();
        var cacheOptions = FleetKit.Options(TimeSpan.FromSeconds(2)) with { BreakDuration = TimeSpan.FromSeconds(30) };
        var secondLevel = DistributedTokenCache.OnRedis(redis, FleetKit.Protector, cacheOptions, logger, clock);
        var client = Instance(secondLevel, clock);

        Assert.Equal(TokenSource.IdentityProvider, (await client.GetTokenAsync(Scope(0))).Source);
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        redis.ConnectionRestored += (_, restoredConnection) =>
        {
            // The subscription connection may come back first; the store calls go over the interactive one.
            if (restoredConnection.ConnectionType == ConnectionType.Interactive)
            {
                restored.TrySetResult();
            }
        };
        server.Kill();
        for (var i = 1; i <= 8; i++)
        {
            Assert.Equal(TokenSource.IdentityProvider, (await client.GetTokenAsync(Scope(i))).Source);
        }

        Assert.True(secondLevel.IsCircuitOpen);
        await server.RestartAsync();
        await restored.Task.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(31));
        await client.GetTokenAsync(Scope(100)); // the trial call after the break: the store answers, the circuit closes
        await secondLevel.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30)); // its token is written in the background
        var otherInstance = Instance(DistributedTokenCache.OnRedis(redis, FleetKit.Protector, cacheOptions, timeProvider: clock), clock);

        Assert.False(secondLevel.IsCircuitOpen);
        Assert.Equal(TokenSource.DistributedCache, (await otherInstance.GetTokenAsync(Scope(100))).Source);
        var snapshot = logger.Collector.GetSnapshot();
        Assert.Single(snapshot, r => r.Id.Id == 5002);
        Assert.Single(snapshot, r => r.Id.Id == 5003);
    }

    [Fact]
    public async Task A_registered_redis_that_is_unreachable_at_start_up_does_not_stop_the_application()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect($"127.0.0.1:{HostileRedisEndpoint.RefusingPort()},abortConnect=false,connectTimeout=500"));
        services.AddClientCredentialsDistributedCache(o => o.Cache = FleetKit.Options(TimeSpan.FromMilliseconds(50)));
        services.AddClientCredentials("graph", o =>
        {
            o.Instance = _endpoint.BaseAddress.ToString();
            o.TenantId = TestIds.TenantId;
            o.ClientId = TestIds.SecretAppId;
            o.Credential = new ClientSecretCredential(FleetKit.Secret);
            o.Scopes = [FleetKit.Scope];
        });
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var client = provider.GetRequiredService<Protocol.Extensions.IClientCredentialsClientFactory>().Get("graph");
        var token = await client.GetTokenAsync();

        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.IsType<DistributedTokenCache>(provider.GetRequiredService<TokenCacheSecondLevel>());
    }

    private static TokenRequestParameters Scope(int n) => new([$"https://fault{n}.example/.default"]);

    private ClientCredentialsClient Instance(TokenCacheSecondLevel secondLevel, TimeProvider clock) =>
        new(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(TestIds.TenantId, _endpoint.BaseAddress.ToString()),
            ClientId = TestIds.SecretAppId,
            Credential = new ClientSecretCredential(FleetKit.Secret),
            Scopes = [FleetKit.Scope],
            TimeProvider = clock,
            CacheOptions = new TokenCacheOptions { SecondLevel = secondLevel, SharedRequestTimeout = TimeSpan.FromSeconds(60) },
        });

    /// <summary>Ten misses on ten keys: every one a token from the endpoint, each bounded by the short store timeout; one log line for the open circuit.</summary>
    private async Task AssertTokensStillFlowAsync(IConnectionMultiplexer redis)
    {
        var logger = new FakeLogger();
        var secondLevel = DistributedTokenCache.OnRedis(redis, FleetKit.Protector, FleetKit.Options(TimeSpan.FromMilliseconds(50)), logger);
        var client = FleetKit.Instance(_endpoint, secondLevel);

        for (var i = 0; i < 10; i++)
        {
            var token = await client.GetTokenAsync(Scope(i));
            Assert.Equal(TokenSource.IdentityProvider, token.Source);
        }

        Assert.Equal(10, _endpoint.RequestCount);
        Assert.True(secondLevel.IsCircuitOpen);
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 5002);
    }
}
