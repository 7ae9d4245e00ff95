using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// A caller's cancellation ends that caller's wait at once, whatever the request is doing (waiting for a backoff, for
/// the server, for the body); the shared request goes on for the other callers and for the cache.
/// </summary>
public sealed class CancellationTests(WireMockFixture wireMock) : IClassFixture<WireMockFixture>, IAsyncLifetime
{
    private readonly WireMockTestScope _scope = wireMock.CreateScope();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task A_caller_cancelling_during_a_retry_backoff_gets_OperationCanceled_and_the_shared_request_still_completes()
    {
        // The manual clock never advances by itself, so after the 500 the pipeline sits in its backoff until the test moves it.
        var clock = new ManualTimeProvider();
        await _scope.AddSequenceAsync(ResilienceTestClient.Error(_scope, 500, "server_error", 90033), ResilienceTestClient.Ok(_scope, "after-backoff"));
        var client = ResilienceTestClient.Create(
            _scope,
            ResilienceTestClient.Fast with { RetryBaseDelay = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromMinutes(1), TotalTimeout = TimeSpan.FromMinutes(5) },
            clock);
        using var cancel = new CancellationTokenSource();
        var cancelled = client.GetTokenAsync(cancel.Token).AsTask();
        await _scope.WaitForRequestsAsync(1);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        var joined = client.GetTokenAsync().AsTask();
        await AdvanceUntilCompletedAsync(clock, joined);
        var token = await joined;
        Assert.Equal("after-backoff", token.Token);
        Assert.Equal(2, await _scope.CountRequestsAsync());
    }

    [Fact]
    public async Task A_caller_cancelling_while_the_server_is_slow_does_not_cancel_the_other_callers()
    {
        await _scope.AddSequenceAsync(ResilienceTestClient.Ok(_scope, "shared").WithFixedDelay(TimeSpan.FromSeconds(2)), ResilienceTestClient.Ok(_scope, "second-request"));
        var client = ResilienceTestClient.Create(_scope);
        using var cancel = new CancellationTokenSource();
        var leaving = client.GetTokenAsync(cancel.Token).AsTask();
        var staying = client.GetTokenAsync().AsTask();
        await _scope.WaitForRequestsAsync(1);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.False(staying.IsCompleted);

        var token = await staying;
        Assert.Equal("shared", token.Token);
        Assert.Equal(1, await _scope.CountRequestsAsync());
    }

    [Fact]
    public async Task A_caller_cancelling_while_the_body_trickles_in_gets_OperationCanceled_at_once()
    {
        var mapping = ResilienceTestClient.Ok(_scope, "trickled");
        mapping["response"]!["chunkedDribbleDelay"] = new System.Text.Json.Nodes.JsonObject { ["numberOfChunks"] = 10, ["totalDuration"] = 2000 };
        await _scope.AddMappingAsync(mapping);
        var client = ResilienceTestClient.Create(_scope);
        using var cancel = new CancellationTokenSource();
        var leaving = client.GetTokenAsync(cancel.Token).AsTask();
        var staying = client.GetTokenAsync().AsTask();
        await _scope.WaitForRequestsAsync(1);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.False(staying.IsCompleted);

        Assert.Equal("trickled", (await staying).Token);
        Assert.Equal(1, await _scope.CountRequestsAsync());
    }

    [Fact]
    public async Task A_body_slower_than_the_attempt_timeout_is_cut_and_reported_as_timed_out()
    {
        var mapping = ResilienceTestClient.Ok(_scope, "too-slow-body");
        mapping["response"]!["chunkedDribbleDelay"] = new System.Text.Json.Nodes.JsonObject { ["numberOfChunks"] = 10, ["totalDuration"] = 5000 };
        await _scope.AddMappingAsync(mapping);
        var client = ResilienceTestClient.Create(_scope, ResilienceTestClient.Fast with { AttemptTimeout = TimeSpan.FromSeconds(1), MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await client.GetTokenAsync());

        Assert.True(error.TimedOut);
        Assert.Equal(1, await _scope.CountRequestsAsync());
    }

    [Fact]
    public async Task An_already_cancelled_call_sends_nothing()
    {
        await _scope.AddMappingAsync(ResilienceTestClient.Ok(_scope));
        var client = ResilienceTestClient.Create(_scope);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.GetTokenAsync(new CancellationToken(canceled: true)));

        Assert.Equal(0, await _scope.CountRequestsAsync());
    }

    /// <summary>Moves the manual clock a second at a time until <paramref name="task"/> ends (at most 10 s of real time).</summary>
    private static async Task AdvanceUntilCompletedAsync(ManualTimeProvider clock, Task task)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!task.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(task, Task.Delay(20, limit.Token));
        }
    }
}
