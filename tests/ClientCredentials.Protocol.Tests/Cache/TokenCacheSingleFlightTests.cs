using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheSingleFlightTests
{
    [Fact]
    public async Task A_thousand_concurrent_misses_share_one_acquisition()
    {
        var context = new CacheTestContext();
        context.Acquirer.CloseGate();

        var waiters = new Task<AccessToken>[1000];
        Parallel.For(0, waiters.Length, i => waiters[i] = context.Get().AsTask());
        Assert.All(waiters, waiter => Assert.False(waiter.IsCompleted));
        await context.Acquirer.WaitForCallsAsync(1);
        context.Acquirer.OpenGate();
        var tokens = await Task.WhenAll(waiters);

        Assert.Equal(1, context.Acquirer.Calls);
        Assert.All(tokens, token => Assert.Equal(FakeTokenAcquirer.TokenText(1), token.Token));
        Assert.Equal(0, context.Cache.InFlightCount);
    }

    [Fact]
    public async Task One_waiter_cancelling_does_not_cancel_the_shared_request_for_the_others()
    {
        var context = new CacheTestContext();
        context.Acquirer.CloseGate();
        using var impatient = new CancellationTokenSource();

        var cancelled = context.Get(cancellationToken: impatient.Token).AsTask();
        var patient = context.Get().AsTask();
        await context.Acquirer.WaitForCallsAsync(1);
        impatient.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(context.Acquirer.ReceivedTokens[0].IsCancellationRequested);
        Assert.False(patient.IsCompleted);
        context.Acquirer.OpenGate();
        Assert.Equal(FakeTokenAcquirer.TokenText(1), (await patient).Token);
        Assert.Equal(1, context.Acquirer.Calls);
    }

    [Fact]
    public async Task An_already_cancelled_caller_fails_without_acquiring()
    {
        var context = new CacheTestContext();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await context.Get(cancellationToken: new CancellationToken(canceled: true)));

        Assert.Equal(0, context.Acquirer.Calls);
    }

    [Fact]
    public async Task A_failure_reaches_every_waiter_and_is_not_cached()
    {
        var context = new CacheTestContext();
        context.Acquirer.CloseGate();
        context.Acquirer.FailWith(Failures.InvalidClient());

        var waiters = Enumerable.Range(0, 5).Select(_ => context.Get().AsTask()).ToArray();
        await context.Acquirer.WaitForCallsAsync(1);
        context.Acquirer.OpenGate();

        foreach (var waiter in waiters)
        {
            var error = await Assert.ThrowsAsync<TokenEndpointException>(() => waiter);
            Assert.Equal("invalid_client", error.Error);
        }

        Assert.Equal(1, context.Acquirer.Calls);
        Assert.Equal(0, context.Cache.Count);
        Assert.Equal(0, context.Cache.InFlightCount);

        context.Acquirer.Succeed();
        var next = await context.Get();
        Assert.Equal(FakeTokenAcquirer.TokenText(2), next.Token);
        Assert.Equal(2, context.Acquirer.Calls);
    }

    [Fact]
    public async Task A_transient_failure_with_nothing_cached_propagates()
    {
        var context = new CacheTestContext();
        context.Acquirer.FailWith(Failures.Transient());

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await context.Get());

        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_shared_request_that_ignores_cancellation_fails_its_waiters_at_the_shared_timeout()
    {
        var context = new CacheTestContext(new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromSeconds(10) });
        context.Acquirer.IgnoresCancellation = true;
        context.Acquirer.CloseGate();
        using var callerToken = new CancellationTokenSource();

        var first = context.Get(cancellationToken: callerToken.Token).AsTask();
        var second = context.Get().AsTask();
        await context.Acquirer.WaitForCallsAsync(1);

        context.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.False(first.IsCompleted);
        Assert.False(context.Acquirer.ReceivedTokens[0].IsCancellationRequested);

        context.Time.Advance(TimeSpan.FromTicks(1));
        foreach (var waiter in new[] { first, second })
        {
            var error = await Assert.ThrowsAsync<TokenRequestTimeoutException>(() => waiter);
            Assert.True(error.IsTransient);
            Assert.Equal(TimeSpan.FromSeconds(10), error.Timeout);
            Assert.Contains("SharedRequestTimeout", error.Message);
        }

        Assert.True(context.Acquirer.ReceivedTokens[0].IsCancellationRequested);
        Assert.Equal(0, context.Cache.InFlightCount);
        await context.Logger.WaitForAsync(2003);

        var retry = context.Get().AsTask();
        await context.Acquirer.WaitForCallsAsync(2);
        context.Acquirer.OpenGate();
        Assert.Equal(FakeTokenAcquirer.TokenText(2), (await retry).Token);
    }

    [Fact]
    public async Task A_shared_request_that_honours_cancellation_also_ends_with_a_timeout_error()
    {
        var context = new CacheTestContext(new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromSeconds(10) });
        context.Acquirer.CloseGate();

        var waiter = context.Get().AsTask();
        await context.Acquirer.WaitForCallsAsync(1);
        context.Time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<TokenRequestTimeoutException>(() => waiter);
        Assert.Equal(0, context.Cache.Count);
        context.Acquirer.OpenGate();
    }

    [Fact]
    public async Task Force_refresh_skips_the_cached_token()
    {
        var context = new CacheTestContext();
        var first = await context.Get();

        var forced = await context.Get(forceRefresh: true);

        Assert.NotEqual(first.Token, forced.Token);
        Assert.Equal(TokenSource.IdentityProvider, forced.Source);
        Assert.Equal(forced.Token, context.Hit().Token);
        Assert.Equal(2, context.Acquirer.Calls);
    }

    [Fact]
    public async Task Concurrent_force_refreshes_share_one_acquisition()
    {
        var context = new CacheTestContext();
        await context.Get();
        context.Acquirer.CloseGate();

        var forced = Enumerable.Range(0, 20).Select(_ => context.Get(forceRefresh: true).AsTask()).ToArray();
        await context.Acquirer.WaitForCallsAsync(2);
        context.Acquirer.OpenGate();
        var tokens = await Task.WhenAll(forced);

        Assert.Equal(2, context.Acquirer.Calls);
        Assert.All(tokens, token => Assert.Equal(FakeTokenAcquirer.TokenText(2), token.Token));
    }

    [Fact]
    public async Task Requests_for_different_keys_do_not_wait_for_each_other()
    {
        var context = new CacheTestContext();
        context.Acquirer.CloseGate();
        var slow = context.Get(TestKeys.Graph("client-a")).AsTask();
        await context.Acquirer.WaitForCallsAsync(1);

        context.Acquirer.OpenGate();
        var other = await context.Get(TestKeys.Graph("client-b"));

        Assert.Equal(2, context.Acquirer.Calls);
        Assert.NotEqual((await slow).Token, other.Token);
    }

    [Fact]
    public async Task The_single_flight_bookkeeping_is_empty_after_many_successes_and_failures()
    {
        var context = new CacheTestContext();
        for (var i = 0; i < 200; i++)
        {
            if (i % 3 == 0)
            {
                context.Acquirer.FailWith(Failures.InvalidClient());
            }
            else
            {
                context.Acquirer.Succeed();
            }

            try
            {
                await context.Get(TestKeys.Numbered(i));
            }
            catch (TokenEndpointException)
            {
            }
        }

        Assert.Equal(0, context.Cache.InFlightCount);
        Assert.Equal(133, context.Cache.Count);
    }

    [Fact]
    public async Task Everyone_waiting_for_the_cache_to_be_idle_is_released()
    {
        var context = new CacheTestContext();
        context.Acquirer.CloseGate();
        var pending = context.Get().AsTask();
        await context.Acquirer.WaitForCallsAsync(1);

        var firstWaiter = context.Cache.WhenIdleAsync();
        var secondWaiter = context.Cache.WhenIdleAsync();
        context.Acquirer.OpenGate();
        await pending;

        await Task.WhenAll(firstWaiter, secondWaiter).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_acquirer_that_returns_no_token_fails_the_request_naming_the_key(bool atOnce)
    {
        var cache = new TokenCache();
        var key = TestKeys.Graph();
        var result = new TaskCompletionSource<AccessToken>();
        if (atOnce)
        {
            result.SetResult(null!);
        }

        var pending = cache.GetTokenAsync(key, new TaskAcquirer(result.Task), forceRefresh: false, CancellationToken.None).AsTask();
        result.TrySetResult(null!);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pending);

        Assert.Equal($"The token acquirer returned no token for {key}.", error.Message);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task An_already_cancelled_caller_gets_a_cancelled_task_carrying_its_token()
    {
        var context = new CacheTestContext();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var pending = context.Get(cancellationToken: cancelled.Token).AsTask();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        Assert.True(pending.IsCanceled);
        Assert.Equal(cancelled.Token, error.CancellationToken);
        Assert.Equal(0, context.Cache.InFlightCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_deadline_of_an_acquisition_that_ended_at_once_is_released_and_never_fires(bool succeeds)
    {
        var time = new TestClock();
        var cache = new TokenCache(null, time);
        var acquirer = new SynchronousAcquirer(time, succeeds ? null : Failures.InvalidClient(), overrun: TimeSpan.Zero);

        var pending = cache.GetTokenAsync(TestKeys.Graph(), acquirer, forceRefresh: false, CancellationToken.None).AsTask();
        if (succeeds)
        {
            await pending;
        }
        else
        {
            await Assert.ThrowsAsync<TokenEndpointException>(() => pending);
        }

        time.Advance(cache.Options.SharedRequestTimeout);

        Assert.False(acquirer.Received.IsCancellationRequested);
    }

    [Fact]
    public async Task An_acquirer_that_overruns_the_shared_timeout_before_it_returns_fails_with_a_timeout_error()
    {
        var time = new TestClock();
        var logger = new RecordingLogger();
        var cache = new TokenCache(new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromSeconds(5) }, time, logger);
        var acquirer = new SynchronousAcquirer(time, failure: null, overrun: TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<TokenRequestTimeoutException>(async () => await cache.GetTokenAsync(TestKeys.Graph(), acquirer, false, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(5), error.Timeout);
        Assert.Contains(logger.Records, r => r.EventId == 2003);
        Assert.Equal(0, cache.InFlightCount);
    }

    /// <summary>Ends before it returns: moves the clock by <c>overrun</c>, then throws <c>failure</c> or returns a token, without a task.</summary>
    private sealed class SynchronousAcquirer(TestClock time, Exception? failure, TimeSpan overrun) : ITokenAcquirer
    {
        public CancellationToken Received { get; private set; }

        public ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken)
        {
            Received = cancellationToken;
            time.Advance(overrun);
            cancellationToken.ThrowIfCancellationRequested();
            if (failure is not null)
            {
                throw failure;
            }

            return new(new AccessToken("token", "Bearer", time.GetUtcNow().AddHours(1), null, null, key.Scopes, null, TokenSource.IdentityProvider));
        }
    }

    private sealed class TaskAcquirer(Task<AccessToken> result) : ITokenAcquirer
    {
        public ValueTask<AccessToken> AcquireAsync(TokenCacheKey key, CancellationToken cancellationToken) => new(result);
    }
}
