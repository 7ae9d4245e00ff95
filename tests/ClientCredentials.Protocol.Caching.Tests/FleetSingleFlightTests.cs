using ClientCredentials.Protocol.Caching.Tests.Infrastructure;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching.Tests;

/// <summary>One token request per key for the fleet (instances in one process here; see <see cref="CrossProcessFleetTests"/>).</summary>
public sealed class FleetSingleFlightTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly LoopbackWireMock _endpoint = LoopbackWireMock.Start();
    private readonly DistributedTokenCacheOptions _options = FleetKit.Options() with { LeaseDuration = TimeSpan.FromSeconds(20) };

    public void Dispose() => _endpoint.Dispose();

    [Fact]
    public async Task Eight_cold_instances_send_one_request_and_all_get_its_token()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()).DelayedBy(TimeSpan.FromMilliseconds(300)));
        var connections = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.Server.ConnectAsync()));
        try
        {
            var instances = connections.Select(redis => FleetKit.Instance(_endpoint, FleetKit.OnRedis(redis, _options))).ToArray();
            var tokens = await Task.WhenAll(instances.Select(instance => instance.GetTokenAsync().AsTask()));

            Assert.Equal(1, _endpoint.RequestCount);
            Assert.Single(tokens.Select(t => t.Token).Distinct());
            Assert.Single(tokens, t => t.Source == TokenSource.IdentityProvider);
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_lease_whose_holder_died_expires_and_the_next_instance_asks_without_an_error()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()));
        var options = _options with { LeaseDuration = TimeSpan.FromSeconds(5) };
        var level = FleetKit.OnRedis(fixture.Redis, options);
        var instance = FleetKit.Instance(_endpoint, level);
        var leaseKey = $"{options.KeyPrefix}l:{Hash(await RedisSecondLevelTests.CanonicalKeyOfAsync(instance))}";
        Assert.True(await fixture.Redis.GetDatabase().StringSetAsync(leaseKey, "a-holder-that-died", TimeSpan.FromSeconds(1), When.NotExists));

        var token = await instance.GetTokenAsync();
        await level.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Equal(1, _endpoint.RequestCount);
        Assert.False(await fixture.Redis.GetDatabase().KeyExistsAsync(leaseKey));
    }

    [Fact]
    public async Task When_the_holder_fails_a_waiting_instance_takes_the_lease_and_asks_itself()
    {
        var failure = WireMockResponses.Json(400, new System.Text.Json.Nodes.JsonObject { ["error"] = "invalid_request", ["error_description"] = "AADSTS900144: test" });
        _endpoint.StubSequence(WireMockResponses.Post(FleetKit.TokenPath), failure.DelayedBy(TimeSpan.FromMilliseconds(500)), WireMockResponses.AccessToken(FleetKit.NewToken()));
        var holder = FleetKit.Instance(_endpoint, FleetKit.OnRedis(fixture.Redis, _options));
        var waiter = FleetKit.Instance(_endpoint, FleetKit.OnRedis(fixture.Redis, _options));

        var holding = holder.GetTokenAsync().AsTask();
        await _endpoint.WaitForRequestsAsync(1).WaitAsync(TimeSpan.FromSeconds(20));
        var waiting = waiter.GetTokenAsync().AsTask();

        await Assert.ThrowsAsync<TokenEndpointException>(() => holding);
        var token = await waiting;
        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Equal(2, _endpoint.RequestCount);
    }

    [Fact]
    public async Task A_refresh_ahead_whose_lease_a_dead_instance_holds_is_done_by_this_instance_once_the_lease_expires()
    {
        _endpoint.StubSequence(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken("first-" + FleetKit.NewToken(), 3600), WireMockResponses.AccessToken("refreshed-" + FleetKit.NewToken(), 3600));
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var level = new StoreSignal(FleetKit.OnRedis(fixture.Redis, _options with { LeaseDuration = TimeSpan.FromSeconds(5) }));
        var instance = FleetKit.Instance(_endpoint, level, timeProvider: clock);
        var first = await instance.GetTokenAsync();
        await level.Inner.WhenIdleAsync();
        level.Reset();
        var leaseKey = $"{_options.KeyPrefix}l:{Hash(await RedisSecondLevelTests.CanonicalKeyOfAsync(instance))}";
        Assert.True(await fixture.Redis.GetDatabase().StringSetAsync(leaseKey, "a-holder-that-died", TimeSpan.FromSeconds(1), When.NotExists));

        clock.Advance(first.RefreshOn!.Value - clock.GetUtcNow());
        var duringRefresh = await instance.GetTokenAsync();
        await level.Stored.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await level.Inner.WhenIdleAsync();

        Assert.Equal(first.Token, duringRefresh.Token);
        Assert.StartsWith("refreshed-", (await instance.GetTokenAsync()).Token, StringComparison.Ordinal);
        Assert.Equal(2, _endpoint.RequestCount);
        Assert.False(await fixture.Redis.GetDatabase().KeyExistsAsync(leaseKey));
    }

    [Fact]
    public async Task Without_fleet_single_flight_each_cold_instance_asks_for_itself()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()).DelayedBy(TimeSpan.FromMilliseconds(300)));
        var options = _options with { FleetSingleFlight = false };
        var instances = Enumerable.Range(0, 3).Select(_ => FleetKit.Instance(_endpoint, FleetKit.OnRedis(fixture.Redis, options))).ToArray();

        await Task.WhenAll(instances.Select(instance => instance.GetTokenAsync().AsTask()));

        Assert.Equal(3, _endpoint.RequestCount);
    }

    /// <summary>The distributed cache with a signal: the memory cache handed it a token to store (having stored it in memory just before).</summary>
    private sealed class StoreSignal(DistributedTokenCache inner) : TokenCacheSecondLevel
    {
        public DistributedTokenCache Inner => inner;

        public TaskCompletionSource Stored { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Reset() => Stored = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task<TokenCacheSecondLevelEntry?> TryGetAsync(string cacheKey, CancellationToken cancellationToken) => inner.TryGetAsync(cacheKey, cancellationToken);

        public override Task<TokenCacheSecondLevelEntry?> TryGetRefreshedAsync(string cacheKey, AccessToken current, CancellationToken cancellationToken) => inner.TryGetRefreshedAsync(cacheKey, current, cancellationToken);

        public override Task SetAsync(string cacheKey, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken)
        {
            // Signalled once the write has begun (it registers as work first), so WhenIdleAsync after the signal waits for
            // it and for the lease release that follows it.
            var writing = inner.SetAsync(cacheKey, token, freshUntil, cancellationToken);
            Stored.TrySetResult();
            return writing;
        }

        public override Task RemoveAsync(string cacheKey, AccessToken rejected, CancellationToken cancellationToken) => inner.RemoveAsync(cacheKey, rejected, cancellationToken);

        public override Task AcquisitionFailedAsync(string cacheKey, CancellationToken cancellationToken) => inner.AcquisitionFailedAsync(cacheKey, cancellationToken);
    }

    private static string Hash(string canonicalKey) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonicalKey))).ToLowerInvariant();
}
