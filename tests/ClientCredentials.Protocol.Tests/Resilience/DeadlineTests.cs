using ClientCredentials.Protocol.Testing;
using Polly.Timeout;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// Every deadline surfaces as <see cref="TokenEndpointUnreachableException"/> with <c>TimedOut</c> set: the per-attempt
/// timeout of the last attempt, the overall deadline, and the token cache's shared-request timeout.
/// </summary>
public sealed class DeadlineTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task Attempt_timeouts_are_retried_and_the_last_one_surfaces_as_timed_out()
    {
        _mock.AnswerAlways(ResilienceTestClient.Ok("never-in-time").DelayedBy(TimeSpan.FromSeconds(5)));
        var client = ResilienceTestClient.Create(_mock, ResilienceTestClient.Fast with { AttemptTimeout = TimeSpan.FromSeconds(1) });

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await client.GetTokenAsync());

        Assert.True(error.TimedOut);
        Assert.IsType<TimeoutRejectedException>(error.InnerException);
        Assert.Contains("AttemptTimeout", error.Message);
        Assert.Equal(3, _mock.RequestCount);
    }

    [Fact]
    public async Task The_overall_deadline_cuts_retries_short_and_surfaces_as_timed_out()
    {
        // On the test clock: attempt 1 times out at 1.5 s, attempt 2 starts at once and is cut by the 2.5 s deadline.
        var clock = new TestClock();
        _mock.AnswerAlways(ResilienceTestClient.Ok("never-in-time").DelayedBy(TimeSpan.FromSeconds(30)));
        var client = ResilienceTestClient.Create(
            _mock,
            ResilienceTestClient.Fast with { AttemptTimeout = TimeSpan.FromSeconds(1.5), TotalTimeout = TimeSpan.FromSeconds(2.5), MaxRetries = 5, RetryBaseDelay = TimeSpan.Zero, MaxRetryAfterWait = TimeSpan.FromSeconds(1) },
            clock);
        var call = client.GetTokenAsync().AsTask();
        await _mock.WaitForRequestsAsync(1);

        clock.Advance(TimeSpan.FromSeconds(1.5));
        await _mock.WaitForRequestsAsync(2);
        clock.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => call);
        Assert.True(error.TimedOut);
        Assert.Contains("TotalTimeout", error.Message);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task With_default_timeouts_the_overall_deadline_elapses_before_the_clients_own_cache_gives_up()
    {
        // Defaults: 10 s per attempt, 30 s overall. The test clock jumps 31 s at once, so every timer due by then fires.
        var clock = new TestClock();
        _mock.AnswerAlways(ResilienceTestClient.Ok("never-in-time").DelayedBy(TimeSpan.FromSeconds(10)));
        var client = ResilienceTestClient.Create(_mock, new TokenRequestResilienceOptions(), clock);
        var call = client.GetTokenAsync().AsTask();
        await _mock.WaitForRequestsAsync(1);

        clock.Advance(TimeSpan.FromSeconds(31));

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => call);
        Assert.True(error.TimedOut);
        Assert.IsType<TimeoutRejectedException>(error.InnerException);
    }

    [Fact]
    public async Task A_shorter_cache_shared_request_timeout_surfaces_as_the_same_timed_out_error()
    {
        _mock.AnswerAlways(ResilienceTestClient.Ok("never-in-time").DelayedBy(TimeSpan.FromSeconds(3)));
        var client = ResilienceTestClient.Create(_mock, cacheOptions: new TokenCacheOptions { SharedRequestTimeout = TimeSpan.FromMilliseconds(500) });

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await client.GetTokenAsync());

        Assert.True(error.TimedOut);
        var cacheTimeout = Assert.IsType<TokenRequestTimeoutException>(error.InnerException);
        Assert.Equal(TimeSpan.FromMilliseconds(500), cacheTimeout.Timeout);
        Assert.Contains("SharedRequestTimeout", error.Message);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Theory]
    [InlineData(nameof(TokenRequestResilienceOptions.AttemptTimeout))]
    [InlineData(nameof(TokenRequestResilienceOptions.TotalTimeout))]
    [InlineData(nameof(TokenRequestResilienceOptions.MaxRetryAfterWait))]
    [InlineData(nameof(TokenRequestResilienceOptions.MaxRetries))]
    public void Out_of_range_resilience_options_are_refused_with_the_option_named(string option)
    {
        var options = option switch
        {
            nameof(TokenRequestResilienceOptions.AttemptTimeout) => new TokenRequestResilienceOptions { AttemptTimeout = TimeSpan.FromMilliseconds(1) },
            nameof(TokenRequestResilienceOptions.TotalTimeout) => new TokenRequestResilienceOptions { TotalTimeout = TimeSpan.FromHours(2) },
            nameof(TokenRequestResilienceOptions.MaxRetryAfterWait) => new TokenRequestResilienceOptions { MaxRetryAfterWait = TimeSpan.FromSeconds(30) },
            _ => new TokenRequestResilienceOptions { MaxRetries = -1 },
        };

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ResilienceTestClient.Create(_mock, options));

        Assert.Equal("Resilience:" + option, error.Setting);
        Assert.Contains(option, error.Message);
    }
}
