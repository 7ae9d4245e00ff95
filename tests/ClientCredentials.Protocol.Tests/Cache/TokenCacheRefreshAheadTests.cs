using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheRefreshAheadTests
{
    [Fact]
    public async Task Before_the_servers_refresh_time_a_hit_starts_no_refresh()
    {
        var context = new CacheTestContext();
        context.Acquirer.RefreshIn = TimeSpan.FromMinutes(10);
        var first = await context.Get();

        context.Time.SetUtcNow(first.RefreshOn!.Value - TimeSpan.FromTicks(1));
        context.Hit();

        Assert.Equal(0, context.Cache.InFlightCount);
        Assert.Equal(1, context.Acquirer.Calls);
    }

    [Fact]
    public async Task At_the_servers_refresh_time_a_hit_returns_the_cached_token_and_starts_one_refresh()
    {
        var context = new CacheTestContext();
        context.Acquirer.RefreshIn = TimeSpan.FromMinutes(10);
        var first = await context.Get();
        context.Acquirer.CloseGate();

        context.Time.SetUtcNow(first.RefreshOn!.Value);
        var hit = context.Hit();

        Assert.Equal(first.Token, hit.Token);
        Assert.Equal(TokenSource.Cache, hit.Source);
        Assert.Equal(1, context.Cache.InFlightCount);
        await context.Acquirer.WaitForCallsAsync(2);

        var joined = context.Get(forceRefresh: true);
        context.Acquirer.OpenGate();
        Assert.Equal(FakeTokenAcquirer.TokenText(2), (await joined).Token);
        Assert.Equal(FakeTokenAcquirer.TokenText(2), context.Hit().Token);
        Assert.Equal(2, context.Acquirer.Calls);
    }

    [Fact]
    public async Task Without_a_server_refresh_time_the_refresh_starts_at_the_configured_point_of_the_lifetime()
    {
        var context = new CacheTestContext(new TokenCacheOptions { RefreshAheadAt = 0.5 });
        var start = context.Time.GetUtcNow();
        await context.Get();
        context.Acquirer.CloseGate();

        context.Time.SetUtcNow(start + TimeSpan.FromMinutes(30) - TimeSpan.FromTicks(1));
        context.Hit();
        Assert.Equal(0, context.Cache.InFlightCount);

        context.Time.SetUtcNow(start + TimeSpan.FromMinutes(30));
        context.Hit();
        Assert.Equal(1, context.Cache.InFlightCount);
        await context.Acquirer.WaitForCallsAsync(2);
        context.Acquirer.OpenGate();
    }

    [Fact]
    public async Task Many_concurrent_hits_past_the_refresh_point_start_exactly_one_refresh()
    {
        var context = new CacheTestContext();
        context.Acquirer.RefreshIn = TimeSpan.FromMinutes(10);
        var first = await context.Get();
        context.Acquirer.CloseGate();
        context.Time.SetUtcNow(first.RefreshOn!.Value + TimeSpan.FromSeconds(1));

        var hits = new AccessToken[500];
        Parallel.For(0, hits.Length, i => hits[i] = context.Hit());

        Assert.All(hits, hit => Assert.Equal(first.Token, hit.Token));
        Assert.Equal(1, context.Cache.InFlightCount);
        await context.Acquirer.WaitForCallsAsync(2);
        var joined = context.Get(forceRefresh: true);
        context.Acquirer.OpenGate();
        await joined;
        Assert.Equal(2, context.Acquirer.Calls);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_old_token_logs_a_warning_without_the_token_and_waits_before_retrying()
    {
        var (context, first) = await FailOneBackgroundRefreshAsync(Failures.Transient());
        var warning = await context.Logger.WaitForAsync(2001);

        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(TokenFingerprint.Of(first.Token), warning.Message);
        Assert.DoesNotContain(first.Token, warning.Message);
        Assert.Equal(first.Token, context.Hit().Token);
        Assert.Equal(0, context.Cache.InFlightCount);

        context.Time.Advance(TokenCache.RefreshRetryDelay - TimeSpan.FromTicks(1));
        context.Hit();
        Assert.Equal(0, context.Cache.InFlightCount);

        context.Acquirer.Succeed();
        context.Acquirer.CloseGate();
        context.Time.Advance(TimeSpan.FromTicks(1));
        context.Hit();
        Assert.Equal(1, context.Cache.InFlightCount);
        await context.Acquirer.WaitForCallsAsync(3);
        var retried = context.Get(forceRefresh: true);
        context.Acquirer.OpenGate();
        Assert.Equal(FakeTokenAcquirer.TokenText(3), (await retried).Token);
        Assert.Equal(FakeTokenAcquirer.TokenText(3), context.Hit().Token);
    }

    [Fact]
    public async Task A_failed_refresh_honours_a_longer_retry_after()
    {
        var (context, first) = await FailOneBackgroundRefreshAsync(Failures.Transient(retryAfter: TimeSpan.FromMinutes(2)));
        await context.Logger.WaitForAsync(2001);

        context.Time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromTicks(1));
        context.Hit();
        Assert.Equal(0, context.Cache.InFlightCount);

        // Held at the gate, so the retried refresh cannot finish on the pool before it is counted.
        context.Acquirer.Succeed();
        context.Acquirer.CloseGate();
        context.Time.Advance(TimeSpan.FromTicks(1));
        context.Hit();
        Assert.Equal(1, context.Cache.InFlightCount);
        await context.Acquirer.WaitForCallsAsync(3);
        context.Acquirer.OpenGate();
    }

    [Fact]
    public async Task After_failed_refreshes_the_old_token_is_not_served_past_expiry_minus_the_buffer()
    {
        var (context, first) = await FailOneBackgroundRefreshAsync(Failures.InvalidClient());

        context.Time.SetUtcNow(first.ExpiresOn - TimeSpan.FromMinutes(5));

        await Assert.ThrowsAsync<TokenEndpointException>(async () => await context.Get());
    }

    private static readonly AsyncLocal<string?> CallerContext = new();

    [Fact]
    public async Task A_background_refresh_does_not_run_in_the_context_of_the_hit_that_started_it()
    {
        var context = new CacheTestContext();
        context.Acquirer.RefreshIn = TimeSpan.FromMinutes(10);
        var first = await context.Get();
        string? seenByRefresh = "not called";
        context.Acquirer.OnCall = () => seenByRefresh = CallerContext.Value;
        context.Acquirer.CloseGate();
        context.Time.SetUtcNow(first.RefreshOn!.Value);

        CallerContext.Value = "request-scoped";
        context.Hit();
        await context.Acquirer.WaitForCallsAsync(2);
        context.Acquirer.OpenGate();

        Assert.Equal("request-scoped", CallerContext.Value);
        Assert.Null(seenByRefresh);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_failed_refresh_warning_says_whether_the_failure_was_transient(bool transient)
    {
        var (context, _) = await FailOneBackgroundRefreshAsync(transient ? Failures.Transient() : Failures.InvalidClient());

        var warning = await context.Logger.WaitForAsync(2001);

        Assert.Contains($"(transient: {transient})", warning.Message);
    }

    [Fact]
    public async Task A_hit_that_starts_a_refresh_leaves_a_flow_the_caller_suppressed_suppressed()
    {
        var context = new CacheTestContext();
        context.Acquirer.RefreshIn = TimeSpan.FromMinutes(10);
        var first = await context.Get();
        context.Time.SetUtcNow(first.RefreshOn!.Value);

        bool suppressedAfterHit;
        using (ExecutionContext.SuppressFlow())
        {
            context.Hit();
            suppressedAfterHit = ExecutionContext.IsFlowSuppressed();
        }

        Assert.True(suppressedAfterHit);
        await context.Acquirer.WaitForCallsAsync(2);
        await context.Cache.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Caches a token with <c>refresh_in</c> 10 minutes, moves to its refresh point, and lets the background refresh
    /// fail with <paramref name="failure"/> (observed through a forced request that joins it).
    /// </summary>
    private static async Task<(CacheTestContext Context, AccessToken First)> FailOneBackgroundRefreshAsync(Exception failure)
    {
        var context = new CacheTestContext();
        context.Acquirer.RefreshIn = TimeSpan.FromMinutes(10);
        var first = await context.Get();
        context.Acquirer.CloseGate();
        context.Acquirer.FailWith(failure);
        context.Time.SetUtcNow(first.RefreshOn!.Value);

        context.Hit();
        await context.Acquirer.WaitForCallsAsync(2);
        var joined = context.Get(forceRefresh: true);
        context.Acquirer.OpenGate();
        await Assert.ThrowsAsync<TokenEndpointException>(async () => await joined);
        return (context, first);
    }
}
