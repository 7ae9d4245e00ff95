using System.Net;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// Transient failures (5xx, 408, network faults, attempt timeouts) are retried with backoff, 2 retries by default;
/// each test checks the outcome and how many requests reached WireMock.
/// </summary>
public sealed class TransientFailureRetryTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.StartWithNetworkFaults();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task A_500_is_retried_and_the_next_answer_is_returned()
    {
        _mock.AnswerInOrder(ResilienceTestClient.Error(500, "server_error", 90033), ResilienceTestClient.Ok("after-500"));
        var client = ResilienceTestClient.Create(_mock);

        var token = await client.GetTokenAsync();

        Assert.Equal("after-500", token.Token);
        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_408_is_retried()
    {
        _mock.AnswerInOrder(ResilienceTestClient.Raw(408, "Request Timeout", "text/plain"), ResilienceTestClient.Ok("after-408"));
        var client = ResilienceTestClient.Create(_mock);

        var token = await client.GetTokenAsync();

        Assert.Equal("after-408", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_502_html_page_is_retried_and_reported_with_a_readable_excerpt_when_retries_run_out()
    {
        const string page = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>";
        _mock.AnswerAlways(ResilienceTestClient.Raw(502, page, "text/html"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("Bad Gateway", error.ResponseSnippet);
        Assert.True(error.IsTransient);
        Assert.Equal(3, _mock.RequestCount);
    }

    [Fact]
    public async Task When_retries_run_out_the_last_error_surfaces_after_three_requests()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(500, "server_error", 90033),
            ResilienceTestClient.Error(503, "temporarily_unavailable", 90033),
            ResilienceTestClient.Error(504, "server_error", 50001),
            ResilienceTestClient.Ok("too-late"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.GatewayTimeout, error.StatusCode);
        Assert.Equal([50001], error.ErrorCodes);
        Assert.Equal(3, _mock.RequestCount);
    }

    [Fact]
    public async Task MaxRetries_zero_sends_one_request_and_reports_the_5xx()
    {
        _mock.AnswerInOrder(ResilienceTestClient.Error(500, "server_error", 90033), ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock, ResilienceTestClient.Fast with { MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task MaxRetries_zero_reports_a_network_fault_as_unreachable_after_one_request()
    {
        _mock.AnswerAlways(ResilienceTestClient.Fault(NetworkFault.ConnectionResetByPeer));
        var client = ResilienceTestClient.Create(_mock, ResilienceTestClient.Fast with { MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await client.GetTokenAsync());

        Assert.False(error.TimedOut);
        Assert.Equal(ResilienceTestClient.TokenPath, error.TokenEndpoint.AbsolutePath);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Theory]
    [InlineData(NetworkFault.ConnectionResetByPeer)]
    [InlineData(NetworkFault.EmptyResponse)]
    [InlineData(NetworkFault.MalformedResponseChunk)]
    [InlineData(NetworkFault.RandomDataThenClose)]
    public async Task A_network_fault_is_retried(NetworkFault fault)
    {
        _mock.AnswerInOrder(ResilienceTestClient.Fault(fault), ResilienceTestClient.Ok("after-fault"));
        var client = ResilienceTestClient.Create(_mock);

        var token = await client.GetTokenAsync();

        Assert.Equal("after-fault", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Theory]
    [InlineData(NetworkFault.ConnectionResetByPeer)]
    [InlineData(NetworkFault.EmptyResponse)]
    [InlineData(NetworkFault.MalformedResponseChunk)]
    [InlineData(NetworkFault.RandomDataThenClose)]
    public async Task A_lasting_network_fault_ends_as_unreachable_after_three_requests(NetworkFault fault)
    {
        _mock.AnswerAlways(ResilienceTestClient.Fault(fault));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(async () => await client.GetTokenAsync());

        Assert.False(error.TimedOut);
        Assert.True(error.IsTransient);
        Assert.NotNull(error.InnerException);
        Assert.Equal(3, _mock.RequestCount);
    }

    [Fact]
    public async Task An_answer_slower_than_the_attempt_timeout_is_abandoned_and_retried()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Ok("too-slow").DelayedBy(TimeSpan.FromSeconds(5)),
            ResilienceTestClient.Ok("in-time"));
        var client = ResilienceTestClient.Create(_mock, ResilienceTestClient.Fast with { AttemptTimeout = TimeSpan.FromSeconds(1) });

        var token = await client.GetTokenAsync();

        Assert.Equal("in-time", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_slow_answer_within_the_attempt_timeout_is_accepted_without_retry()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Ok("slow-but-in-time").DelayedBy(TimeSpan.FromMilliseconds(800)),
            ResilienceTestClient.Ok("second"));
        var client = ResilienceTestClient.Create(_mock);

        var token = await client.GetTokenAsync();

        Assert.Equal("slow-but-in-time", token.Token);
        Assert.Equal(1, _mock.RequestCount);
    }
}
