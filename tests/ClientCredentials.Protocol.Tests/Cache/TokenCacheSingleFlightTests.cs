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
}
