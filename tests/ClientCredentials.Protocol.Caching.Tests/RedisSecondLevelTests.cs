using System.Text;
using ClientCredentials.Protocol.Caching.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace ClientCredentials.Protocol.Caching.Tests;

/// <summary>The distributed cache on a real Redis-protocol server: what it stores, what it serves, what it refuses.</summary>
public sealed class RedisSecondLevelTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly LoopbackWireMock _endpoint = LoopbackWireMock.Start();
    private readonly DistributedTokenCacheOptions _options = FleetKit.Options();

    private readonly List<DistributedTokenCache> _levels = [];

    public void Dispose() => _endpoint.Dispose();

    /// <summary>A second level on the fixture's server, remembered so that the test can wait for its background work.</summary>
    private DistributedTokenCache Level(Microsoft.Extensions.Logging.ILogger? logger = null, IDataProtector? protector = null)
    {
        var level = FleetKit.OnRedis(fixture.Redis, _options, logger, protector);
        _levels.Add(level);
        return level;
    }

    /// <summary>Waits until every second level of the test has finished its writes, removals and lease releases.</summary>
    private Task IdleAsync() => Task.WhenAll(_levels.Select(level => level.WhenIdleAsync())).WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_second_instance_gets_the_token_from_the_store_without_a_request()
    {
        var token = FleetKit.NewToken();
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(token));

        var first = await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();
        var secondInstance = FleetKit.Instance(_endpoint, Level());
        var fromStore = await secondInstance.GetTokenAsync();
        var fromMemory = await secondInstance.GetTokenAsync();

        Assert.Equal(1, _endpoint.RequestCount);
        Assert.Equal(TokenSource.IdentityProvider, first.Source);
        Assert.Equal(TokenSource.DistributedCache, fromStore.Source);
        Assert.Equal(TokenSource.Cache, fromMemory.Source);
        Assert.Equal(token, fromStore.Token);
        Assert.Equal(first.ExpiresOn, fromStore.ExpiresOn);
        Assert.Equal(first.RefreshOn, fromStore.RefreshOn);
        Assert.Equal(first.ExtendedExpiresOn, fromStore.ExtendedExpiresOn);
        Assert.Equal(first.Scopes, fromStore.Scopes);
        Assert.Equal(first.CorrelationId, fromStore.CorrelationId);
    }

    [Fact]
    public async Task The_store_holds_no_token_part_no_client_id_and_no_secret_and_keys_are_hashes_behind_the_prefix()
    {
        var token = FleetKit.NewToken();
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(token));
        await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();
        await IdleAsync();

        var entries = await fixture.EntriesAsync(_options.KeyPrefix);
        var (key, value) = Assert.Single(entries);
        Assert.Matches($"^{_options.KeyPrefix}t:[0-9a-f]{{64}}$", key);
        AssertHoldsNoPartOf(value, token, minimumLength: 9);
        AssertHoldsNoPartOf(value, TestIds.SecretAppId, minimumLength: 9);
        AssertHoldsNoPartOf(value, FleetKit.Secret, minimumLength: 9);
        Assert.DoesNotContain(TestIds.SecretAppId, key, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_token_is_kept_until_its_expiry_minus_the_buffer_and_no_longer()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken(), expiresInSeconds: 3600));
        var token = await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();
        await IdleAsync();

        var (key, _) = Assert.Single(await fixture.EntriesAsync(_options.KeyPrefix));
        var timeToLive = await fixture.Redis.GetDatabase().KeyTimeToLiveAsync(key);
        var expected = token.ExpiresOn - TimeSpan.FromMinutes(5) - DateTimeOffset.UtcNow;
        Assert.NotNull(timeToLive);
        Assert.InRange(timeToLive.Value, expected - TimeSpan.FromSeconds(30), expected + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_forced_refresh_skips_the_store_and_replaces_its_token()
    {
        _endpoint.StubSequence(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken("old-" + FleetKit.NewToken()), WireMockResponses.AccessToken("new-" + FleetKit.NewToken()));
        var client = FleetKit.Instance(_endpoint, Level());
        await client.GetTokenAsync();

        var forced = await client.GetTokenAsync(new TokenRequestParameters([FleetKit.Scope]) { ForceRefresh = true });
        await IdleAsync();
        var otherInstance = await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();

        Assert.Equal(2, _endpoint.RequestCount);
        Assert.StartsWith("new-", forced.Token, StringComparison.Ordinal);
        Assert.Equal(forced.Token, otherInstance.Token);
    }

    [Fact]
    public async Task Invalidating_a_rejected_token_removes_it_from_the_store_so_no_instance_gets_it_again()
    {
        _endpoint.StubSequence(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken("first-" + FleetKit.NewToken()), WireMockResponses.AccessToken("second-" + FleetKit.NewToken()));
        var client = FleetKit.Instance(_endpoint, Level());
        var rejected = await client.GetTokenAsync();

        Assert.True(client.InvalidateToken(rejected));
        var again = await client.GetTokenAsync();
        await IdleAsync();
        Assert.Equal(again.Token, await StoredTokenAsync());
        var otherInstance = await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();

        Assert.StartsWith("second-", again.Token, StringComparison.Ordinal);
        Assert.Equal(again.Token, otherInstance.Token);
        Assert.Equal(2, _endpoint.RequestCount);
    }

    [Fact]
    public async Task Invalidating_an_old_token_leaves_the_fresh_one_another_instance_stored()
    {
        _endpoint.StubSequence(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken("old-" + FleetKit.NewToken()), WireMockResponses.AccessToken("fresh-" + FleetKit.NewToken()));
        var a = FleetKit.Instance(_endpoint, Level());
        var old = await a.GetTokenAsync();
        var b = FleetKit.Instance(_endpoint, Level());
        var fresh = await b.GetTokenAsync(new TokenRequestParameters([FleetKit.Scope]) { ForceRefresh = true });
        await IdleAsync();

        Assert.True(a.InvalidateToken(old)); // a's memory drops it and tells its second level, which must keep b's token

        await IdleAsync();
        var c = await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();

        Assert.Equal(fresh.Token, await StoredTokenAsync());
        Assert.Equal(fresh.Token, c.Token);
        Assert.Equal(TokenSource.DistributedCache, c.Source);
        Assert.Equal(2, _endpoint.RequestCount);
    }

    [Fact]
    public async Task A_value_with_a_changed_byte_is_a_miss_and_a_warning_never_an_error()
    {
        var logger = new FakeLogger();
        await StoreOneTokenAsync();
        var (key, value) = Assert.Single(await fixture.EntriesAsync(_options.KeyPrefix));
        value[value.Length / 2] ^= 0x20;
        await fixture.Redis.GetDatabase().StringSetAsync(key, value, TimeSpan.FromMinutes(5));

        var token = await FleetKit.Instance(_endpoint, Level(logger)).GetTokenAsync();

        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Equal(2, _endpoint.RequestCount);
        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 5001);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("NotDecryptable", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("\u0001\u0002\u0003 not a protected payload at all, but long enough to look like one ........................")]
    public async Task Garbage_in_the_store_is_a_miss(string garbage)
    {
        await StoreOneTokenAsync();
        var (key, _) = Assert.Single(await fixture.EntriesAsync(_options.KeyPrefix));
        await fixture.Redis.GetDatabase().StringSetAsync(key, Encoding.UTF8.GetBytes(garbage), TimeSpan.FromMinutes(5));

        var token = await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();

        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Equal(2, _endpoint.RequestCount);
    }

    [Fact]
    public async Task A_value_protected_with_another_key_ring_is_a_miss_and_a_warning()
    {
        var logger = new FakeLogger();
        await StoreOneTokenAsync();
        var otherRing = new EphemeralDataProtectionProvider().CreateProtector(DistributedTokenCache.ProtectorPurpose);

        var token = await FleetKit.Instance(_endpoint, Level(logger, otherRing)).GetTokenAsync();

        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 5001 && r.Message.Contains("NotDecryptable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_moved_from_another_key_is_a_miss()
    {
        var logger = new FakeLogger();
        await StoreOneTokenAsync();
        var (key, value) = Assert.Single(await fixture.EntriesAsync(_options.KeyPrefix));
        var otherApp = FleetKit.Instance(_endpoint, Level(logger), clientId: TestIds.CertificateAppId);
        var otherKey = $"{_options.KeyPrefix}t:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(await CanonicalKeyOfAsync(otherApp)))).ToLowerInvariant()}";
        await fixture.Redis.GetDatabase().StringSetAsync(otherKey, value, TimeSpan.FromMinutes(5));

        var token = await otherApp.GetTokenAsync();

        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 5001 && r.Message.Contains("OtherKey", StringComparison.Ordinal));
        Assert.NotEqual(key, otherKey);
    }

    [Fact]
    public async Task A_value_of_an_unknown_format_version_is_a_miss()
    {
        var logger = new FakeLogger();
        await StoreOneTokenAsync();
        var (key, value) = Assert.Single(await fixture.EntriesAsync(_options.KeyPrefix));
        var plaintext = FleetKit.Protector.Unprotect(value);
        plaintext[0] = 2;
        await fixture.Redis.GetDatabase().StringSetAsync(key, FleetKit.Protector.Protect(plaintext), TimeSpan.FromMinutes(5));

        var token = await FleetKit.Instance(_endpoint, Level(logger)).GetTokenAsync();

        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 5001 && r.Message.Contains("UnknownVersion", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_the_store_evicted_is_a_miss_and_the_next_token_is_stored_again()
    {
        await StoreOneTokenAsync();
        var (key, _) = Assert.Single(await fixture.EntriesAsync(_options.KeyPrefix));
        await fixture.Redis.GetDatabase().KeyDeleteAsync(key); // what eviction under memory pressure looks like to a client

        var token = await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();
        await IdleAsync();

        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Single(await fixture.EntriesAsync(_options.KeyPrefix));
    }

    [Fact]
    public async Task Different_scopes_and_tenants_of_one_client_are_different_keys()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()));
        var client = FleetKit.Instance(_endpoint, Level());
        await client.GetTokenAsync();
        await client.GetTokenAsync(new TokenRequestParameters(["https://vault.azure.net/.default"]));
        await IdleAsync();

        Assert.Equal(2, (await fixture.EntriesAsync(_options.KeyPrefix)).Count);
    }

    [Fact]
    public void Bad_options_are_configuration_errors_naming_the_option()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => FleetKit.OnRedis(fixture.Redis, _options with { KeyPrefix = "has space" }));
        Assert.Equal("DistributedTokenCacheOptions.KeyPrefix", error.Setting);
        error = Assert.Throws<ClientCredentialsConfigurationException>(() => FleetKit.OnRedis(fixture.Redis, _options with { OperationTimeout = TimeSpan.Zero }));
        Assert.Equal("DistributedTokenCacheOptions.OperationTimeout", error.Setting);
        error = Assert.Throws<ClientCredentialsConfigurationException>(() => FleetKit.OnRedis(fixture.Redis, _options with { LeasePollInterval = TimeSpan.FromMinutes(1), LeaseDuration = TimeSpan.FromSeconds(1) }));
        Assert.Equal("DistributedTokenCacheOptions.LeasePollInterval", error.Setting);
    }

    internal static void AssertHoldsNoPartOf(byte[] value, string secret, int minimumLength)
    {
        foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode })
        {
            for (var start = 0; start + minimumLength <= secret.Length; start++)
            {
                var part = encoding.GetBytes(secret.Substring(start, minimumLength));
                Assert.True(value.AsSpan().IndexOf(part) < 0, $"The stored value contains a {minimumLength}-character part of a secret value (at {start}).");
            }
        }
    }

    /// <summary>The canonical key the cache gives the client's default request, read through a second level that records it.</summary>
    internal static async Task<string> CanonicalKeyOfAsync(ClientCredentialsClient client)
    {
        var recorder = new KeyRecorder();
        var probe = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = client.Authority,
            ClientId = client.ClientId,
            Credential = new ClientSecretCredential(FleetKit.Secret),
            Scopes = [FleetKit.Scope],
            CacheOptions = new TokenCacheOptions { SecondLevel = recorder },
        });
        Assert.Equal("recorded", (await probe.GetTokenAsync()).Token);
        return await recorder.Key.Task;
    }

    private async Task StoreOneTokenAsync()
    {
        _endpoint.Stub(WireMockResponses.Post(FleetKit.TokenPath), WireMockResponses.AccessToken(FleetKit.NewToken()));
        await FleetKit.Instance(_endpoint, Level()).GetTokenAsync();
        await IdleAsync();
        Assert.Equal(1, _endpoint.RequestCount);
    }

    private async Task<string?> StoredTokenAsync()
    {
        var entries = await fixture.EntriesAsync(_options.KeyPrefix);
        if (entries.Count != 1)
        {
            return null;
        }

        var (key, value) = entries[0];
        var keyHash = Convert.FromHexString(key[(key.LastIndexOf(':') + 1)..]);
        var plaintext = FleetKit.Protector.Unprotect(value);
        return Format.StoredTokenFormat.TryRead(plaintext, keyHash, out var stored) == Format.StoredTokenReadOutcome.Read ? stored.Token.Token : null;
    }

    /// <summary>A second level that only records the canonical key it is asked for, and answers with a stand-in token.</summary>
    private sealed class KeyRecorder : TokenCacheSecondLevel
    {
        public TaskCompletionSource<string> Key { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task<TokenCacheSecondLevelEntry?> TryGetAsync(string cacheKey, CancellationToken cancellationToken)
        {
            Key.TrySetResult(cacheKey);
            var expiresOn = DateTimeOffset.UtcNow.AddHours(1);
            return Task.FromResult<TokenCacheSecondLevelEntry?>(new(new AccessToken("recorded", "Bearer", expiresOn, null, null, [FleetKit.Scope], null, TokenSource.DistributedCache), expiresOn.AddMinutes(-5)));
        }

        public override Task SetAsync(string cacheKey, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task RemoveAsync(string cacheKey, AccessToken rejected, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
