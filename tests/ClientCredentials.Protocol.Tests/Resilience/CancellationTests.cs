using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// A caller's cancellation ends that caller's wait at once, whatever the request is doing (waiting for a backoff, for
/// the server, for the body); the shared request goes on for the other callers and for the cache.
/// </summary>
public sealed class CancellationTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.StartWithNetworkFaults();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task A_caller_cancelling_during_a_retry_backoff_gets_OperationCanceled_and_the_shared_request_still_completes()
    {
        // The test clock never advances by itself, so after the 500 the pipeline sits in its backoff until the test moves it.
        var clock = new TestClock();
        _mock.AnswerInOrder(ResilienceTestClient.Error(500, "server_error", 90033), ResilienceTestClient.Ok("after-backoff"));
        var client = ResilienceTestClient.Create(
            _mock,
            ResilienceTestClient.Fast with { RetryBaseDelay = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromMinutes(1), TotalTimeout = TimeSpan.FromMinutes(5) },
            clock);
        using var cancel = new CancellationTokenSource();
        var cancelled = client.GetTokenAsync(cancel.Token).AsTask();

        // The backoff (1 s base, jittered) is the only timer shorter than the 1 min attempt timeout.
        var backoff = await clock.WaitForTimerAsync(due => due < TimeSpan.FromSeconds(30));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        var joined = client.GetTokenAsync().AsTask();
        Assert.False(joined.IsCompleted);
        Assert.Equal(1, _mock.RequestCount);
        clock.Advance(backoff);
        var token = await joined;
        Assert.Equal("after-backoff", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_caller_cancelling_while_the_server_is_slow_does_not_cancel_the_other_callers()
    {
        _mock.AnswerInOrder(ResilienceTestClient.Ok("shared").DelayedBy(TimeSpan.FromSeconds(2)), ResilienceTestClient.Ok("second-request"));
        var client = ResilienceTestClient.Create(_mock);
        using var cancel = new CancellationTokenSource();
        var leaving = client.GetTokenAsync(cancel.Token).AsTask();
        var staying = client.GetTokenAsync().AsTask();
        await _mock.WaitForRequestsAsync(1);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.False(staying.IsCompleted);

        var token = await staying;
        Assert.Equal("shared", token.Token);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_caller_cancelling_while_the_body_trickles_in_gets_OperationCanceled_at_once()
    {
        _mock.AnswerAlways(ResilienceTestClient.Ok("trickled").WithBodyDribbled(10, TimeSpan.FromSeconds(2)));
        var client = ResilienceTestClient.Create(_mock);
        using var cancel = new CancellationTokenSource();
        var leaving = client.GetTokenAsync(cancel.Token).AsTask();
        var staying = client.GetTokenAsync().AsTask();
        await _mock.WaitForRequestsAsync(1);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.False(staying.IsCompleted);

        Assert.Equal("trickled", (await staying).Token);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_body_slower_than_the_attempt_timeout_is_cut_and_reported_as_timed_out()
    {
        _mock.AnswerAlways(ResilienceTestClient.Ok("too-slow-body").WithBodyDribbled(10, TimeSpan.FromSeconds(5)));
        var client = ResilienceTestClient.Create(_mock, ResilienceTestClient.Fast with { AttemptTimeout = TimeSpan.FromSeconds(1), MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await client.GetTokenAsync());

        Assert.True(error.TimedOut);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task An_already_cancelled_call_sends_nothing()
    {
        _mock.AnswerAlways(ResilienceTestClient.Ok());
        var client = ResilienceTestClient.Create(_mock);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.GetTokenAsync(new CancellationToken(canceled: true)));

        Assert.Equal(0, _mock.RequestCount);
    }
}
