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

    private static AccessToken Shared(TestClock time, string token = "shared.token.from-l2") =>
        new(token, "Bearer", time.GetUtcNow().AddHours(1), time.GetUtcNow().AddMinutes(30), null, ["https://graph.microsoft.com/.default"], "l2-correlation", TokenSource.IdentityProvider);

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

    private sealed class FakeSecondLevel : ITokenCacheSecondLevel
    {
        private int _reads;

        public ConcurrentDictionary<TokenCacheKey, AccessToken> Stored { get; } = new();

        public System.Threading.Channels.Channel<(TokenCacheKey Key, AccessToken Token, DateTimeOffset FreshUntil)> Written { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(TokenCacheKey, AccessToken, DateTimeOffset)>();

        public System.Threading.Channels.Channel<(TokenCacheKey Key, AccessToken Rejected)> Removed { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(TokenCacheKey, AccessToken)>();

        public TaskCompletionSource? Gate { get; set; }

        public Exception? Failure { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public async ValueTask<AccessToken?> TryGetAsync(TokenCacheKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return Failure is { } failure ? throw failure : Stored.GetValueOrDefault(key);
        }

        public ValueTask SetAsync(TokenCacheKey key, AccessToken token, DateTimeOffset freshUntil, CancellationToken cancellationToken)
        {
            Written.Writer.TryWrite((key, token, freshUntil));
            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveAsync(TokenCacheKey key, AccessToken rejected, CancellationToken cancellationToken)
        {
            Removed.Writer.TryWrite((key, rejected));
            return ValueTask.CompletedTask;
        }
    }
}
