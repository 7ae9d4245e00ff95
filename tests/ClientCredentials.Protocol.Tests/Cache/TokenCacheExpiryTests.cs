using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheExpiryTests
{
    private static readonly TokenCacheOptions NoRefreshAhead = new() { RefreshAheadAt = 1 };

    [Fact]
    public async Task The_first_call_acquires_and_the_next_is_served_from_the_cache()
    {
        var context = new CacheTestContext(NoRefreshAhead);

        var first = await context.Get();
        var second = context.Hit();

        Assert.Equal(1, context.Acquirer.Calls);
        Assert.Equal(TokenSource.IdentityProvider, first.Source);
        Assert.Equal(TokenSource.Cache, second.Source);
        Assert.Equal(first.Token, second.Token);
        Assert.Equal(1, context.Cache.Count);
    }

    [Fact]
    public async Task Every_hit_returns_the_same_prebuilt_instance()
    {
        var context = new CacheTestContext(NoRefreshAhead);
        await context.Get();

        Assert.Same(context.Hit(), context.Hit());
    }

    [Fact]
    public async Task A_token_is_served_until_just_before_expiry_minus_the_buffer()
    {
        var context = new CacheTestContext(NoRefreshAhead);
        var first = await context.Get();

        context.Time.SetUtcNow(first.ExpiresOn - TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));

        Assert.Equal(first.Token, context.Hit().Token);
        Assert.Equal(1, context.Acquirer.Calls);
    }

    [Fact]
    public async Task At_expiry_minus_the_buffer_a_new_token_is_acquired()
    {
        var context = new CacheTestContext(NoRefreshAhead);
        var first = await context.Get();

        context.Time.SetUtcNow(first.ExpiresOn - TimeSpan.FromMinutes(5));
        var second = await context.Get();

        Assert.Equal(2, context.Acquirer.Calls);
        Assert.Equal(FakeTokenAcquirer.TokenText(2), second.Token);
        Assert.Equal(TokenSource.IdentityProvider, second.Source);
    }

    [Fact]
    public async Task A_token_shorter_than_twice_the_buffer_uses_half_its_lifetime_as_buffer()
    {
        var context = new CacheTestContext(NoRefreshAhead);
        context.Acquirer.Lifetime = TimeSpan.FromMinutes(6);
        var start = context.Time.GetUtcNow();
        await context.Get();

        context.Time.SetUtcNow(start + TimeSpan.FromMinutes(3) - TimeSpan.FromTicks(1));
        Assert.Equal(FakeTokenAcquirer.TokenText(1), context.Hit().Token);

        context.Time.SetUtcNow(start + TimeSpan.FromMinutes(3));
        var renewed = await context.Get();
        Assert.Equal(FakeTokenAcquirer.TokenText(2), renewed.Token);
        Assert.Equal(2, context.Acquirer.Calls);
    }

    [Fact]
    public async Task A_token_of_exactly_twice_the_buffer_keeps_the_full_buffer()
    {
        var context = new CacheTestContext(NoRefreshAhead);
        context.Acquirer.Lifetime = TimeSpan.FromMinutes(10);
        var start = context.Time.GetUtcNow();
        await context.Get();

        context.Time.SetUtcNow(start + TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        context.Hit();
        context.Time.SetUtcNow(start + TimeSpan.FromMinutes(5));
        await context.Get();

        Assert.Equal(2, context.Acquirer.Calls);
    }

    [Fact]
    public async Task A_token_that_is_already_expired_is_returned_but_not_cached()
    {
        var context = new CacheTestContext(NoRefreshAhead);
        context.Acquirer.Lifetime = TimeSpan.FromSeconds(-1);

        var first = await context.Get();
        await context.Get();

        Assert.Equal(FakeTokenAcquirer.TokenText(1), first.Token);
        Assert.Equal(2, context.Acquirer.Calls);
        Assert.Equal(0, context.Cache.Count);
    }

    [Fact]
    public async Task A_token_too_close_to_expiry_to_cache_is_logged_by_its_fingerprint_only()
    {
        var context = new CacheTestContext(NoRefreshAhead);
        context.Acquirer.Lifetime = TimeSpan.FromSeconds(-1);

        var token = await context.Get();

        var record = Assert.Single(context.Logger.Records, r => r.EventId == 2005);
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Contains(TokenFingerprint.Of(token.Token), record.Message);
        Assert.Contains(context.Key.ToString(), record.Message);
        Assert.DoesNotContain(token.Token, record.Message);
    }

    [Fact]
    public async Task The_cache_fills_in_RefreshOn_from_the_refresh_point_when_the_server_sent_none()
    {
        var context = new CacheTestContext(new TokenCacheOptions { RefreshAheadAt = 0.75 });
        var start = context.Time.GetUtcNow();

        var acquired = await context.Get();

        Assert.Equal(start + TimeSpan.FromMinutes(45), acquired.RefreshOn);
        Assert.Equal(start + TimeSpan.FromMinutes(45), context.Hit().RefreshOn);
    }

    [Fact]
    public async Task A_refresh_time_sent_by_the_server_is_kept()
    {
        var context = new CacheTestContext();
        context.Acquirer.RefreshIn = TimeSpan.FromMinutes(10);
        var start = context.Time.GetUtcNow();

        var acquired = await context.Get();

        Assert.Equal(start + TimeSpan.FromMinutes(10), acquired.RefreshOn);
    }

    [Fact]
    public async Task ToString_of_a_cached_token_and_its_entry_reveals_no_token()
    {
        var context = new CacheTestContext();
        await context.Get();

        var hit = context.Hit();
        var entry = TokenCacheEntry.Create(hit, context.Time.GetUtcNow(), new TokenCacheOptions(), out _);

        Assert.DoesNotContain(hit.Token, hit.ToString());
        Assert.DoesNotContain(hit.Token, entry.Token.ToString());
        Assert.Contains(TokenFingerprint.Of(hit.Token), entry.Token.ToString());
    }
}
