using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheSharingTests
{
    [Fact]
    public async Task Two_clients_sharing_one_cache_get_their_own_tokens()
    {
        var time = new TestClock();
        var cache = new TokenCache(timeProvider: time);
        var clientA = new FakeTokenAcquirer(time);
        var clientB = new FakeTokenAcquirer(time);
        var keyA = TestKeys.Graph("client-a");
        var keyB = TestKeys.Graph("client-b");

        var tokenA = await cache.GetTokenAsync(keyA, clientA, false, CancellationToken.None);
        var tokenB = await cache.GetTokenAsync(keyB, clientB, false, CancellationToken.None);
        var hitA = await cache.GetTokenAsync(keyA, clientA, false, CancellationToken.None);
        var hitB = await cache.GetTokenAsync(keyB, clientB, false, CancellationToken.None);

        Assert.Equal(2, cache.Count);
        Assert.Equal(1, clientA.Calls);
        Assert.Equal(1, clientB.Calls);
        Assert.Same(keyA, Assert.Single(clientA.ReceivedKeys));
        Assert.Same(keyB, Assert.Single(clientB.ReceivedKeys));
        Assert.Equal(tokenA.Token, hitA.Token);
        Assert.Equal(tokenB.Token, hitB.Token);
    }

    [Fact]
    public async Task Equal_keys_built_separately_share_one_cached_token()
    {
        var context = new CacheTestContext();
        var first = TestKeys.Create(TestKeys.EntraAuthority, "client", ["api://one/read", "api://one/write"], scopesAreCaseInsensitive: true);
        var second = TestKeys.Create(TestKeys.EntraAuthority, "client", ["API://ONE/WRITE", "api://one/read"], scopesAreCaseInsensitive: true);

        await context.Get(first);
        var hit = context.Hit(second);

        Assert.Equal(FakeTokenAcquirer.TokenText(1), hit.Token);
        Assert.Equal(1, context.Acquirer.Calls);
    }

    [Fact]
    public async Task A_claims_challenge_gets_its_own_token()
    {
        var context = new CacheTestContext();
        var plain = TestKeys.Graph();
        var challenged = TestKeys.Create(TestKeys.EntraAuthority, "client-a", ["https://graph.microsoft.com/.default"], true, claims: """{"access_token":{"xms_cc":{"values":["cp1"]}}}""");

        var plainToken = await context.Get(plain);
        var challengedToken = await context.Get(challenged);

        Assert.NotEqual(plainToken.Token, challengedToken.Token);
        Assert.Equal(2, context.Cache.Count);
    }
}
