using System.Collections.Concurrent;
using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.Cache;

/// <summary>
/// The seam for a second cache level (a fleet's distributed cache): consulted only on a memory miss, inside the single
/// flight, before the token endpoint; written after the endpoint answered; told about a rejected token; never touched
/// by a hit, and its failures are misses.
/// </summary>
public class SecondLevelSeamTests
{
    private static (TestClock Time, FakeTokenAcquirer Acquirer, RecordingLogger Logger, FakeSecondLevel Level, TokenCache Cache) Create()
    {
        var time = new TestClock();
        var level = new FakeSecondLevel();
        var logger = new RecordingLogger();
        return (time, new FakeTokenAcquirer(time), logger, level, new TokenCache(null, time, logger, level));
    }

    private static TokenCacheSecondLevelEntry Shared(TestClock time, string token = "shared.token.from-l2") =>
        new(new(token, "Bearer", time.GetUtcNow().AddHours(1), time.GetUtcNow().AddMinutes(30), null, ["https://graph.microsoft.com/.default"], "l2-correlation", TokenSource.IdentityProvider), time.GetUtcNow().AddMinutes(55));

    [Fact]
    public async Task A_memory_miss_served_by_the_second_level_fills_memory_and_asks_no_endpoint()
    {
        var (time, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        level.Stored[key] = Shared(time);

        var first = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        var hit = cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);

        Assert.Equal("shared.token.from-l2", first.Token);
        Assert.True(hit.IsCompletedSuccessfully);
        Assert.Equal(TokenSource.Cache, (await hit).Source);
        Assert.Equal(0, acquirer.Calls);
        Assert.Equal(1, level.Reads);
    }

    [Fact]
    public async Task Concurrent_misses_make_one_second_level_read_and_one_endpoint_request()
    {
        var (_, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        level.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 20).Select(_ => cache.GetTokenAsync(key, acquirer, false, CancellationToken.None).AsTask()).ToArray();
        level.Gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.Equal(1, level.Reads);
        Assert.Equal(1, acquirer.Calls);
        Assert.All(tokens, t => Assert.Equal(FakeTokenAcquirer.TokenText(1), t.Token));
    }

    [Fact]
    public async Task A_token_from_the_endpoint_is_written_with_its_refresh_point_and_fresh_until()
    {
        var (time, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();

        var token = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        var written = await level.Written.Reader.ReadAsync();

        Assert.Same(key, written.Key);
        Assert.Equal(token.Token, written.Token.Token);
        Assert.NotNull(written.Token.RefreshOn);
        Assert.Equal(token.ExpiresOn - cache.Options.ExpiryBuffer, written.FreshUntil);
        Assert.Equal(time.GetUtcNow().AddHours(1), written.Token.ExpiresOn);
    }

    [Fact]
    public async Task A_forced_refresh_skips_the_second_level_and_a_failing_one_is_a_logged_miss()
    {
        var (time, acquirer, logger, level, cache) = Create();
        var key = TestKeys.Graph();
        level.Stored[key] = Shared(time);

        var forced = await cache.GetTokenAsync(key, acquirer, true, CancellationToken.None);
        level.Failure = new InvalidOperationException("store down");
        cache.Clear();
        var afterFailure = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);

        Assert.Equal(FakeTokenAcquirer.TokenText(1), forced.Token);
        Assert.Equal(FakeTokenAcquirer.TokenText(2), afterFailure.Token);
        Assert.Equal(1, level.Reads);
        Assert.Contains(logger.Records, r => r.EventId == 2006);
    }

    [Fact]
    public async Task Invalidation_tells_the_second_level_which_token_was_rejected()
    {
        var (_, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        var token = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);

        Assert.True(cache.Invalidate(key, token));
        var removed = await level.Removed.Reader.ReadAsync();

        Assert.Equal((key, token.Token), (removed.Key, removed.Rejected.Token));
    }

    [Fact]
    public async Task A_second_level_hit_keeps_the_writers_fresh_until_refresh_point_and_extended_lifetime()
    {
        var (time, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        var now = time.GetUtcNow();

        // The writer got a 1-hour token 52 minutes ago: it serves it until 5 minutes before expiry, refreshed at half-life.
        var token = new AccessToken("written.52.minutes.ago", "Bearer", now.AddMinutes(8), now.AddMinutes(-22), now.AddMinutes(68), ["https://graph.microsoft.com/.default"], "l2-correlation", TokenSource.IdentityProvider);
        level.Stored[key] = new TokenCacheSecondLevelEntry(token, now.AddMinutes(3));

        var fromLevel = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        Assert.Equal((token.ExpiresOn, token.RefreshOn, token.ExtendedExpiresOn), (fromLevel.ExpiresOn, fromLevel.RefreshOn, fromLevel.ExtendedExpiresOn));
        Assert.Equal(TokenSource.DistributedCache, fromLevel.Source);

        // Past its refresh point already: the next hit returns it and starts one refresh, which asks the level first.
        level.Stored.Clear();
        Assert.Equal(token.Token, (await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None)).Token);
        await cache.WhenIdleAsync();
        Assert.Equal(1, level.RefreshReads);
        Assert.Equal(1, acquirer.Calls);

        // Served until the writer's fresh-until (expiry minus 5 minutes), not the later half-of-what-is-left point.
        var replacement = cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        Assert.True(replacement.IsCompletedSuccessfully);
        Assert.Equal(FakeTokenAcquirer.TokenText(1), (await replacement).Token);
    }

    [Fact]
    public async Task A_second_level_hit_is_not_served_from_memory_past_the_writers_fresh_until()
    {
        var (time, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        var now = time.GetUtcNow();
        var token = new AccessToken("written.52.minutes.ago", "Bearer", now.AddMinutes(8), now.AddMinutes(30), null, ["https://graph.microsoft.com/.default"], null, TokenSource.IdentityProvider);
        level.Stored[key] = new TokenCacheSecondLevelEntry(token, now.AddMinutes(3));
        await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        level.Stored.Clear();

        time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        Assert.True(cache.GetTokenAsync(key, acquirer, false, CancellationToken.None).IsCompletedSuccessfully);
        time.Advance(TimeSpan.FromSeconds(1));
        var after = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);

        Assert.Equal(FakeTokenAcquirer.TokenText(1), after.Token);
        Assert.Equal(2, level.Reads);
    }

    [Fact]
    public async Task A_refresh_ahead_takes_a_newer_token_from_the_second_level_and_asks_no_endpoint()
    {
        var (time, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        var first = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        time.Advance(first.RefreshOn!.Value - time.GetUtcNow());
        var newer = Shared(time, "refreshed.by.another.instance");
        level.Refreshed = newer;

        var duringRefresh = cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        Assert.True(duringRefresh.IsCompletedSuccessfully);
        Assert.Equal(first.Token, (await duringRefresh).Token);
        await cache.WhenIdleAsync();
        var after = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);

        Assert.Equal(newer.Token.Token, after.Token);
        Assert.Equal(newer.Token.RefreshOn, after.RefreshOn);
        Assert.Equal(first.Token, level.RefreshedFrom.Single().Token);
        Assert.Equal(1, acquirer.Calls);
    }

    [Fact]
    public async Task A_refresh_ahead_the_second_level_leaves_to_this_instance_asks_the_endpoint_and_writes_the_token()
    {
        var (time, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        var first = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        await level.Written.Reader.ReadAsync();
        time.Advance(first.RefreshOn!.Value - time.GetUtcNow());

        await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        await cache.WhenIdleAsync();
        var written = await level.Written.Reader.ReadAsync();

        Assert.Equal(1, level.RefreshReads);
        Assert.Equal(2, acquirer.Calls);
        Assert.Equal(FakeTokenAcquirer.TokenText(2), written.Token.Token);
        Assert.Equal(FakeTokenAcquirer.TokenText(2), (await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None)).Token);
    }

    [Fact]
    public async Task A_failed_refresh_ahead_tells_the_second_level_and_a_failing_level_is_the_old_refresh()
    {
        var (time, acquirer, logger, level, cache) = Create();
        var key = TestKeys.Graph();
        var first = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        time.Advance(first.RefreshOn!.Value - time.GetUtcNow());
        acquirer.FailWith(new TokenRequestTimeoutException(TimeSpan.FromSeconds(1), null));

        await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        await cache.WhenIdleAsync();
        Assert.Equal(1, level.FailuresTold);

        acquirer.Succeed();
        level.Failure = new InvalidOperationException("store down");
        time.Advance(TokenCache.RefreshRetryDelay);
        await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        await cache.WhenIdleAsync();

        Assert.Equal(3, acquirer.Calls);
        Assert.Equal(FakeTokenAcquirer.TokenText(3), (await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None)).Token);
        Assert.Contains(logger.Records, r => r.EventId == 2006);
    }

    [Fact]
    public async Task A_second_level_set_in_the_options_is_asked_on_a_miss_by_the_keys_canonical_form()
    {
        var time = new TestClock();
        var level = new RecordingLevel();
        var cache = new TokenCache(new TokenCacheOptions { SecondLevel = level }, time);
        var key = TestKeys.Graph();

        await cache.GetTokenAsync(key, new FakeTokenAcquirer(time), false, CancellationToken.None);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(key.CanonicalForm()), Assert.Single(level.Reads));
    }

    [Fact]
    public async Task A_second_level_given_to_the_cache_itself_is_asked_instead_of_the_options_one()
    {
        var time = new TestClock();
        var fromOptions = new RecordingLevel();
        var given = new FakeSecondLevel();
        var cache = new TokenCache(new TokenCacheOptions { SecondLevel = fromOptions }, time, null, given);

        await cache.GetTokenAsync(TestKeys.Graph(), new FakeTokenAcquirer(time), false, CancellationToken.None);

        Assert.Equal(1, given.Reads);
        Assert.Empty(fromOptions.Reads);
    }

    [Fact]
    public async Task A_cache_without_a_second_level_logs_nothing_on_a_miss_or_an_invalidation()
    {
        var context = new CacheTestContext();

        var token = await context.Get();
        context.Cache.Invalidate(context.Key, token);

        Assert.Empty(context.Logger.Records);
    }

    [Fact]
    public async Task A_second_level_that_has_no_token_is_a_plain_miss_and_logs_nothing()
    {
        var (_, acquirer, logger, level, cache) = Create();

        var token = await cache.GetTokenAsync(TestKeys.Graph(), acquirer, false, CancellationToken.None);

        Assert.Equal(FakeTokenAcquirer.TokenText(1), token.Token);
        Assert.Equal(1, level.Reads);
        Assert.Empty(logger.Records);
    }

    [Fact]
    public async Task A_refresh_ahead_the_second_level_leaves_to_this_instance_logs_nothing()
    {
        var (time, acquirer, logger, level, cache) = Create();
        var key = TestKeys.Graph();
        var first = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        time.Advance(first.RefreshOn!.Value - time.GetUtcNow());

        await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        await cache.WhenIdleAsync();

        Assert.Equal(1, level.RefreshReads);
        Assert.Empty(logger.Records);
    }

    [Fact]
    public async Task A_refresh_ahead_answered_with_the_very_token_being_refreshed_asks_the_endpoint()
    {
        var (time, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        var first = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        time.Advance(first.RefreshOn!.Value - time.GetUtcNow());
        level.Refreshed = new TokenCacheSecondLevelEntry(first, first.ExpiresOn - cache.Options.ExpiryBuffer);

        await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        await cache.WhenIdleAsync();

        Assert.Equal(2, acquirer.Calls);
        Assert.Equal(FakeTokenAcquirer.TokenText(2), (await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None)).Token);
    }

    [Fact]
    public async Task A_miss_whose_token_is_too_close_to_expiry_to_store_lets_the_second_level_go_but_a_forced_request_does_not_tell_it()
    {
        var (_, acquirer, _, level, cache) = Create();
        var key = TestKeys.Graph();
        acquirer.Lifetime = TimeSpan.FromSeconds(-1);

        await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
        Assert.Equal(1, level.FailuresTold);

        await cache.GetTokenAsync(key, acquirer, true, CancellationToken.None);
        Assert.Equal(1, level.FailuresTold);
        Assert.Equal(0, cache.Count);
    }

    [Theory]
    [InlineData("read")]
    [InlineData("write")]
    [InlineData("failure notice")]
    [InlineData("remove")]
    public async Task A_failing_second_level_is_logged_naming_what_failed(string operation)
    {
        var (_, acquirer, logger, level, cache) = Create();
        var key = TestKeys.Graph();
        var failure = new InvalidOperationException("store down");
        switch (operation)
        {
            case "read":
                level.Failure = failure;
                await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
                break;
            case "write":
                level.WriteFailure = failure;
                await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
                break;
            case "failure notice":
                level.NoticeFailure = failure;
                acquirer.FailWith(Failures.InvalidClient());
                await Assert.ThrowsAsync<TokenEndpointException>(async () => await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None));
                break;
            default:
                var token = await cache.GetTokenAsync(key, acquirer, false, CancellationToken.None);
                level.RemoveFailure = failure;
                Assert.True(cache.Invalidate(key, token));
                break;
        }

        var record = await logger.WaitForAsync(2006);

        Assert.Equal($"The second cache level failed to {operation} the token for {key}; the token comes from memory or the token endpoint instead.", record.Message);
        Assert.Same(failure, record.Exception);
    }

    [Fact]
    public async Task Invalidating_without_a_key_is_rejected_before_the_second_level_is_told()
    {
        var (_, acquirer, _, level, cache) = Create();
        var token = await cache.GetTokenAsync(TestKeys.Graph(), acquirer, false, CancellationToken.None);

        var error = Assert.Throws<ArgumentNullException>(() => cache.Invalidate(null!, token));

        Assert.Equal("key", error.ParamName);
        Assert.False(level.Removed.Reader.TryRead(out _));
    }

    /// <summary>A public second level, as a package implements it: records the keys it is asked for and stores nothing.</summary>
    private sealed class RecordingLevel : TokenCacheSecondLevel
    {
        public ConcurrentQueue<string> Reads { get; } = new();

        public override Task<TokenCacheSecondLevelEntry?> TryGetAsync(string cacheKey, CancellationToken cancellationToken)
        {
            Reads.Enqueue(cacheKey);
            return Task.FromResult<TokenCacheSecondLevelEntry?>(null);
        }

        public override Task SetAsync(string cacheKey, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task RemoveAsync(string cacheKey, AccessToken rejected, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FakeSecondLevel : ITokenCacheSecondLevel
    {
        private int _reads;
        private int _refreshReads;
        private int _failuresTold;

        public ConcurrentDictionary<TokenCacheKey, TokenCacheSecondLevelEntry> Stored { get; } = new();

        /// <summary>What a refresh ahead of expiry is answered with: a token another instance refreshed, or null.</summary>
        public TokenCacheSecondLevelEntry? Refreshed { get; set; }

        public ConcurrentQueue<AccessToken> RefreshedFrom { get; } = new();

        public int RefreshReads => Volatile.Read(ref _refreshReads);

        public int FailuresTold => Volatile.Read(ref _failuresTold);

        public System.Threading.Channels.Channel<(TokenCacheKey Key, AccessToken Token, DateTimeOffset FreshUntil)> Written { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(TokenCacheKey, AccessToken, DateTimeOffset)>();

        public System.Threading.Channels.Channel<(TokenCacheKey Key, AccessToken Rejected)> Removed { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(TokenCacheKey, AccessToken)>();

        public TaskCompletionSource? Gate { get; set; }

        public Exception? Failure { get; set; }

        public Exception? WriteFailure { get; set; }

        public Exception? NoticeFailure { get; set; }

        public Exception? RemoveFailure { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public async ValueTask<TokenCacheSecondLevelEntry?> TryGetAsync(TokenCacheKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return Failure is { } failure ? throw failure : Stored.GetValueOrDefault(key);
        }

        public ValueTask<TokenCacheSecondLevelEntry?> TryGetRefreshedAsync(TokenCacheKey key, AccessToken current, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _refreshReads);
            RefreshedFrom.Enqueue(current);
            return Failure is { } failure ? throw failure : ValueTask.FromResult(Refreshed);
        }

        public ValueTask AcquisitionFailedAsync(TokenCacheKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _failuresTold);
            return NoticeFailure is { } failure ? throw failure : ValueTask.CompletedTask;
        }

        public ValueTask SetAsync(TokenCacheKey key, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken)
        {
            if (WriteFailure is { } failure)
            {
                throw failure;
            }

            Written.Writer.TryWrite((key, token, freshUntil));
            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveAsync(TokenCacheKey key, AccessToken rejected, CancellationToken cancellationToken)
        {
            if (RemoveFailure is { } failure)
            {
                throw failure;
            }

            Removed.Writer.TryWrite((key, rejected));
            return ValueTask.CompletedTask;
        }
    }
}
