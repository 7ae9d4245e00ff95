using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheEvictionTests
{
    private static async Task Fill(CacheTestContext context, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            await context.Get(TestKeys.Numbered(i));
            context.Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>True when the cache answers <paramref name="key"/> from a stored token, without a request.</summary>
    private static bool IsServed(CacheTestContext context, TokenCacheKey key) =>
        context.Cache.GetTokenAsync(key, new FailingAcquirer(), forceRefresh: false, CancellationToken.None).IsCompletedSuccessfully;

    [Fact]
    public async Task Beyond_the_limit_the_least_recently_used_tokens_are_evicted_down_to_ninety_percent()
    {
        var context = new CacheTestContext(new TokenCacheOptions { MaxEntries = 10 });
        await Fill(context, 0, 10);
        context.Hit(TestKeys.Numbered(0));
        context.Time.Advance(TimeSpan.FromSeconds(1));

        await Fill(context, 10, 11);

        Assert.Equal(9, context.Cache.Count);
        Assert.False(IsServed(context, TestKeys.Numbered(1)));
        Assert.False(IsServed(context, TestKeys.Numbered(2)));
        Assert.All(new[] { 0, 3, 4, 5, 6, 7, 8, 9, 10 }, i => Assert.True(IsServed(context, TestKeys.Numbered(i))));
    }

    [Fact]
    public async Task Expired_tokens_are_evicted_before_any_token_still_in_use()
    {
        var context = new CacheTestContext(new TokenCacheOptions { MaxEntries = 10 });
        await Fill(context, 0, 5);
        context.Acquirer.Lifetime = TimeSpan.FromMinutes(2);
        await Fill(context, 5, 10);
        context.Acquirer.Lifetime = TimeSpan.FromHours(1);
        context.Time.Advance(TimeSpan.FromMinutes(3));

        await Fill(context, 10, 11);

        Assert.Equal(6, context.Cache.Count);
        Assert.All(new[] { 0, 1, 2, 3, 4, 10 }, i => Assert.True(IsServed(context, TestKeys.Numbered(i))));
    }

    [Fact]
    public async Task The_count_never_exceeds_the_limit_while_many_keys_are_added()
    {
        var context = new CacheTestContext(new TokenCacheOptions { MaxEntries = 100 });

        for (var i = 0; i < 1000; i++)
        {
            await context.Get(TestKeys.Numbered(i));
            Assert.InRange(context.Cache.Count, 1, 100);
        }

        Assert.True(IsServed(context, TestKeys.Numbered(999)));
    }

    [Fact]
    public async Task With_a_limit_of_one_the_token_just_stored_is_kept()
    {
        var context = new CacheTestContext(new TokenCacheOptions { MaxEntries = 1 });

        await context.Get(TestKeys.Numbered(0));
        await context.Get(TestKeys.Numbered(1));

        Assert.Equal(1, context.Cache.Count);
        Assert.True(IsServed(context, TestKeys.Numbered(1)));
    }

    [Fact]
    public async Task Expired_tokens_are_swept_on_a_later_write_even_below_the_limit()
    {
        var context = new CacheTestContext();
        context.Acquirer.Lifetime = TimeSpan.FromMinutes(2);
        await context.Get(TestKeys.Numbered(0));
        context.Acquirer.Lifetime = TimeSpan.FromHours(1);

        context.Time.Advance(TokenCacheStore.SweepInterval + TimeSpan.FromMinutes(2));
        await context.Get(TestKeys.Numbered(1));

        Assert.Equal(1, context.Cache.Count);
    }

    [Fact]
    public async Task A_token_kept_for_extended_lifetime_is_not_swept_before_its_extended_expiry()
    {
        var context = new CacheTestContext(new TokenCacheOptions { UseExtendedLifetime = true });
        context.Acquirer.Lifetime = TimeSpan.FromMinutes(2);
        context.Acquirer.ExtendedLifetime = TimeSpan.FromHours(1);
        await context.Get(TestKeys.Numbered(0));

        context.Time.Advance(TokenCacheStore.SweepInterval + TimeSpan.FromMinutes(2));
        await context.Get(TestKeys.Numbered(1));

        Assert.Equal(2, context.Cache.Count);
    }

    [Fact]
    public async Task Clear_removes_every_token()
    {
        var context = new CacheTestContext();
        await Fill(context, 0, 3);

        context.Cache.Clear();

        Assert.Equal(0, context.Cache.Count);
        await context.Get(TestKeys.Numbered(0));
        Assert.Equal(4, context.Acquirer.Calls);
    }

    [Fact]
    public async Task An_eviction_logs_how_many_expired_and_least_recently_used_tokens_it_removed()
    {
        var context = new CacheTestContext(new TokenCacheOptions { MaxEntries = 2 });
        context.Acquirer.Lifetime = TimeSpan.FromSeconds(30);
        await Fill(context, 0, 1);
        context.Acquirer.Lifetime = TimeSpan.FromHours(1);
        await Fill(context, 1, 2);
        context.Time.Advance(TimeSpan.FromMinutes(1));

        await Fill(context, 2, 3);

        var evicted = Assert.Single(context.Logger.Records, r => r.EventId == 2004);
        Assert.Equal(LogLevel.Debug, evicted.Level);
        Assert.Equal("Token cache over its limit of 2: removed 1 expired and 1 least recently used token(s).", evicted.Message);
        Assert.Equal(1, context.Cache.Count);
    }

    [Fact]
    public async Task Expired_tokens_are_swept_by_a_write_that_reaches_the_limit_exactly()
    {
        var context = new CacheTestContext(new TokenCacheOptions { MaxEntries = 2 });
        context.Acquirer.Lifetime = TimeSpan.FromSeconds(30);
        await context.Get(TestKeys.Numbered(0));
        context.Acquirer.Lifetime = TimeSpan.FromHours(1);
        context.Time.Advance(TokenCacheStore.SweepInterval + TimeSpan.FromSeconds(1));

        await context.Get(TestKeys.Numbered(1));

        Assert.Equal(1, context.Cache.Count);
    }

    [Fact]
    public async Task Expired_tokens_are_swept_as_soon_as_the_sweep_interval_has_passed()
    {
        var context = new CacheTestContext();
        context.Acquirer.Lifetime = TimeSpan.FromSeconds(30);
        await context.Get(TestKeys.Numbered(0));
        context.Acquirer.Lifetime = TimeSpan.FromHours(1);
        context.Time.Advance(TokenCacheStore.SweepInterval);

        await context.Get(TestKeys.Numbered(1));

        Assert.Equal(1, context.Cache.Count);
    }

    [Fact]
    public async Task Expired_tokens_are_swept_at_most_once_per_sweep_interval()
    {
        var context = new CacheTestContext();
        context.Acquirer.Lifetime = TimeSpan.FromSeconds(30);
        await context.Get(TestKeys.Numbered(0));
        context.Acquirer.Lifetime = TimeSpan.FromHours(1);

        context.Time.Advance(TimeSpan.FromSeconds(45));
        await context.Get(TestKeys.Numbered(1));
        Assert.Equal(2, context.Cache.Count);

        context.Time.Advance(TokenCacheStore.SweepInterval - TimeSpan.FromSeconds(45));
        await context.Get(TestKeys.Numbered(2));
        Assert.Equal(2, context.Cache.Count);
    }

    [Fact]
    public async Task An_eviction_counts_as_a_sweep_so_the_next_sweep_is_a_full_interval_later()
    {
        var context = new CacheTestContext(new TokenCacheOptions { MaxEntries = 2 });
        await Fill(context, 0, 2);
        context.Acquirer.Lifetime = TimeSpan.FromSeconds(30);
        await context.Get(TestKeys.Numbered(2));
        context.Acquirer.Lifetime = TimeSpan.FromHours(1);
        Assert.Equal(1, context.Cache.Count);

        context.Time.Advance(TimeSpan.FromSeconds(59));
        await context.Get(TestKeys.Numbered(3));

        Assert.Equal(2, context.Cache.Count);
    }

    private sealed class FailingAcquirer : ITokenAcquirer
    {
        public ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken) =>
            ValueTask.FromException<AccessToken>(new InvalidOperationException("The probe expected a cached token."));
    }
}
