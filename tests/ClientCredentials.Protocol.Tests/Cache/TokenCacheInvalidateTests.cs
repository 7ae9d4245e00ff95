using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheInvalidateTests
{
    [Fact]
    public async Task Invalidating_the_current_token_removes_it_and_the_next_call_acquires()
    {
        var context = new CacheTestContext();
        var first = await context.Get();

        Assert.True(context.Cache.Invalidate(context.Key, first));

        Assert.Equal(0, context.Cache.Count);
        Assert.Equal(FakeTokenAcquirer.TokenText(2), (await context.Get()).Token);
    }

    [Fact]
    public async Task The_token_returned_by_a_hit_identifies_the_current_token_too()
    {
        var context = new CacheTestContext();
        await context.Get();

        Assert.True(context.Cache.Invalidate(context.Key, context.Hit()));
    }

    [Fact]
    public async Task Invalidating_a_stale_token_keeps_the_current_one()
    {
        var context = new CacheTestContext();
        var stale = await context.Get();
        var current = await context.Get(forceRefresh: true);

        Assert.False(context.Cache.Invalidate(context.Key, stale));

        Assert.Equal(current.Token, context.Hit().Token);
        Assert.Equal(2, context.Acquirer.Calls);
    }

    [Fact]
    public void Invalidating_an_unknown_key_does_nothing()
    {
        var context = new CacheTestContext();
        var seen = new AccessToken("token", "Bearer", context.Time.GetUtcNow().AddHours(1), null, null, ["s"], null, TokenSource.Cache);

        Assert.False(context.Cache.Invalidate(context.Key, seen));
    }

    [Fact]
    public async Task A_burst_of_rejections_of_one_token_causes_one_refresh()
    {
        var context = new CacheTestContext();
        var rejected = await context.Get();
        context.Acquirer.CloseGate();

        var invalidated = 0;
        var retries = new Task<AccessToken>[50];
        Parallel.For(0, retries.Length, i =>
        {
            if (context.Cache.Invalidate(context.Key, rejected))
            {
                Interlocked.Increment(ref invalidated);
            }

            retries[i] = context.Get().AsTask();
        });
        await context.Acquirer.WaitForCallsAsync(2);
        context.Acquirer.OpenGate();
        var tokens = await Task.WhenAll(retries);

        Assert.Equal(1, invalidated);
        Assert.Equal(2, context.Acquirer.Calls);
        Assert.All(tokens, token => Assert.Equal(FakeTokenAcquirer.TokenText(2), token.Token));
    }

    [Fact]
    public void Invalidating_without_the_rejected_token_is_rejected_naming_it()
    {
        var context = new CacheTestContext();

        var error = Assert.Throws<ArgumentNullException>(() => context.Cache.Invalidate(context.Key, null!));

        Assert.Equal("seen", error.ParamName);
    }
}
