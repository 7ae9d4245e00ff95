using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>Managed identity tokens are cached like every token: hits without requests or allocations, single flight, refresh ahead.</summary>
public sealed class ManagedIdentityCacheTests : IAsyncLifetime, IDisposable
{
    private const string Scope = "https://management.azure.com/.default";
    private readonly ManagedIdentityTestEnvironment _environment = new();
    private ReplayEndpoint _imds = null!;

    public async Task InitializeAsync() => _imds = await ReplayEndpoint.StartAsync();

    public async Task DisposeAsync() => await _imds.DisposeAsync();

    public void Dispose() => _environment.Dispose();

    private ManagedIdentityCredential Credential(ManagedIdentityOptions? options = null) =>
        _environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", _imds.BaseAddress.AbsoluteUri).Credential(options);

    [Fact]
    public async Task The_second_call_is_a_cache_hit_with_the_same_token()
    {
        _imds.Play(ManagedIdentityTestEnvironment.Success("one"), ManagedIdentityTestEnvironment.Success("two"));
        var credential = Credential();
        var first = await credential.GetTokenAsync(Scope);
        var second = await credential.GetTokenAsync("https://management.azure.com");
        Assert.Equal(first.Token, second.Token);
        Assert.Equal(TokenSource.Cache, second.Source);
        Assert.Single(_imds.Requests);
    }

    [Fact]
    public async Task A_hit_allocates_nothing()
    {
        _imds.Play(ManagedIdentityTestEnvironment.Success("hit"));
        var credential = Credential();
        await credential.GetTokenAsync(Scope);
        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(credential.GetTokenAsync(Scope).IsCompletedSuccessfully);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(credential.GetTokenAsync(Scope).IsCompletedSuccessfully);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Concurrent_cold_callers_share_one_request()
    {
        _imds.Play(ManagedIdentityTestEnvironment.Success("shared"));
        var credential = Credential();
        var tokens = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await credential.GetTokenAsync(Scope))));
        Assert.All(tokens, token => Assert.Equal(ManagedIdentityTestEnvironment.Token("shared"), token.Token));
        Assert.Single(_imds.Requests);
    }

    [Fact]
    public async Task Different_resources_and_identities_are_cached_apart()
    {
        _imds.Play(ManagedIdentityTestEnvironment.Success("a"), ManagedIdentityTestEnvironment.Success("b"), ManagedIdentityTestEnvironment.Success("c"));
        var cache = new TokenCache();
        var system = Credential(new ManagedIdentityOptions { Cache = cache });
        var user = Credential(new ManagedIdentityOptions { Cache = cache, Id = ManagedIdentityId.FromClientId(ManagedIdentityTestEnvironment.UserAssignedClientId) });
        Assert.Equal(ManagedIdentityTestEnvironment.Token("a"), (await system.GetTokenAsync(Scope)).Token);
        Assert.Equal(ManagedIdentityTestEnvironment.Token("b"), (await system.GetTokenAsync("https://vault.azure.net/.default")).Token);
        Assert.Equal(ManagedIdentityTestEnvironment.Token("c"), (await user.GetTokenAsync(Scope)).Token);
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public async Task A_claims_challenge_or_force_refresh_asks_the_endpoint_again()
    {
        _imds.Play(ManagedIdentityTestEnvironment.Success("one"), ManagedIdentityTestEnvironment.Success("two"), ManagedIdentityTestEnvironment.Success("three"));
        var credential = Credential();
        await credential.GetTokenAsync(Scope);
        var challenged = await credential.GetTokenAsync(new TokenRequestParameters(Scope) { Claims = """{"access_token":{"nbf":{"essential":true,"value":"1"}}}""" });
        var forced = await credential.GetTokenAsync(new TokenRequestParameters(Scope) { ForceRefresh = true });
        Assert.Equal(ManagedIdentityTestEnvironment.Token("two"), challenged.Token);
        Assert.Equal(ManagedIdentityTestEnvironment.Token("three"), forced.Token);
        Assert.Equal(3, _imds.Requests.Count);
        Assert.Equal(ManagedIdentityTestEnvironment.Token("three"), (await credential.GetTokenAsync(Scope)).Token);
    }

    [Fact]
    public async Task An_invalidated_token_is_replaced_on_the_next_call()
    {
        _imds.Play(ManagedIdentityTestEnvironment.Success("old"), ManagedIdentityTestEnvironment.Success("new"));
        var credential = Credential();
        var old = await credential.GetTokenAsync(Scope);
        Assert.True(credential.InvalidateToken(Scope, old));
        Assert.Equal(ManagedIdentityTestEnvironment.Token("new"), (await credential.GetTokenAsync(Scope)).Token);
    }

    [Fact]
    public async Task Past_refresh_in_a_hit_returns_the_cached_token_and_refreshes_once_in_the_background()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var expiresOn = clock.GetUtcNow().AddHours(24).ToUnixTimeSeconds();
        _imds.Play(
            new RecordedResponse(200, ManagedIdentityTestEnvironment.Json, $$"""{"access_token":"{{ManagedIdentityTestEnvironment.Token("first")}}","expires_on":{{expiresOn}},"refresh_in":3600,"token_type":"Bearer"}"""),
            ManagedIdentityTestEnvironment.Success("refreshed", TimeSpan.FromHours(25)));
        var credential = Credential(new ManagedIdentityOptions { TimeProvider = clock });
        var first = await credential.GetTokenAsync(Scope);
        Assert.Equal(clock.GetUtcNow().AddHours(1), first.RefreshOn);

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var hit = await credential.GetTokenAsync(Scope);
        Assert.Equal(first.Token, hit.Token);

        // The refresh stores its token after the response is read: wait on that condition, not on a timer.
        var refreshed = ManagedIdentityTestEnvironment.Token("refreshed");
        Assert.True(SpinWait.SpinUntil(() => credential.GetTokenAsync(Scope).Result.Token == refreshed, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, _imds.Requests.Count);
    }
}
