using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>A background refresh whose token was not stored must not leave the entry unable to refresh again.</summary>
public class RefreshAheadRecoveryTests
{
    [Fact]
    public async Task A_refresh_that_returned_an_unstorable_token_is_tried_again_after_the_retry_delay()
    {
        var ctx = new CacheTestContext();
        await ctx.Get();                                 // call 1: one-hour token, refresh point at 30 min
        ctx.Time.Advance(TimeSpan.FromMinutes(31));
        ctx.Acquirer.Lifetime = TimeSpan.Zero;           // the refresh gets a token that is already expired: not stored
        Assert.Equal(FakeTokenAcquirer.TokenText(1), ctx.Hit().Token);
        await ctx.Acquirer.WaitForCallsAsync(2);
        await ctx.Cache.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10)); // the refresh has scheduled its next try

        ctx.Acquirer.Lifetime = TimeSpan.FromHours(1);
        ctx.Time.Advance(TokenCache.RefreshRetryDelay + TimeSpan.FromSeconds(1));
        Assert.Equal(FakeTokenAcquirer.TokenText(1), ctx.Hit().Token);
        await ctx.Acquirer.WaitForCallsAsync(3);         // before the fix the entry stayed "refreshing" and this never came
    }

    [Fact]
    public async Task The_cache_is_idle_only_once_a_failed_background_refresh_has_scheduled_its_next_try()
    {
        var ctx = new CacheTestContext();
        await ctx.Get();
        Assert.True(ctx.Cache.WhenIdleAsync().IsCompletedSuccessfully);
        ctx.Time.Advance(TimeSpan.FromMinutes(31));
        ctx.Acquirer.CloseGate();
        ctx.Acquirer.FailWith(new TokenEndpointUnreachableException(new Uri("https://login.example/t"), "id", timedOut: false, "down", null));

        Assert.Equal(FakeTokenAcquirer.TokenText(1), ctx.Hit().Token);
        var idle = ctx.Cache.WhenIdleAsync();
        Assert.False(idle.IsCompleted);

        await ctx.Acquirer.WaitForCallsAsync(2);
        ctx.Acquirer.OpenGate();
        await idle.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        // Idle means the failure was handled: the next hit inside the retry delay starts no refresh.
        Assert.Equal(FakeTokenAcquirer.TokenText(1), ctx.Hit().Token);
        Assert.Equal(2, ctx.Acquirer.Calls);
    }

    [Fact]
    public async Task A_refresh_that_returned_an_unstorable_token_is_not_tried_again_before_the_retry_delay()
    {
        var ctx = new CacheTestContext();
        await ctx.Get();
        ctx.Time.Advance(TimeSpan.FromMinutes(31));
        ctx.Acquirer.Lifetime = TimeSpan.Zero;
        ctx.Hit();
        await ctx.Acquirer.WaitForCallsAsync(2);
        await ctx.Cache.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        ctx.Acquirer.Lifetime = TimeSpan.FromHours(1);
        ctx.Time.Advance(TokenCache.RefreshRetryDelay - TimeSpan.FromSeconds(1));
        Assert.Equal(FakeTokenAcquirer.TokenText(1), ctx.Hit().Token);
        await ctx.Cache.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, ctx.Acquirer.Calls);
    }
}
