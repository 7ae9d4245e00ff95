using System.Net;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// One rule for the server's wait: <c>Retry-After</c> counts on 429 and 503 (where RFC 9110 and RFC 6585 give it
/// that meaning) for both the retry pipeline and client-side throttling; other transient errors retry with backoff.
/// </summary>
public sealed class ServerWaitRuleTests(WireMockFixture wireMock) : IClassFixture<WireMockFixture>, IAsyncLifetime
{
    private readonly WireMockTestScope _scope = wireMock.CreateScope();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task Temporarily_unavailable_on_a_400_is_retried()
    {
        await _scope.AddSequenceAsync(ResilienceTestClient.Error(_scope, 400, "temporarily_unavailable", 90033), ResilienceTestClient.Ok(_scope, "after-retry"));
        var token = await ResilienceTestClient.Create(_scope).GetTokenAsync();
        Assert.Equal("after-retry", token.Token);
        Assert.Equal(2, await _scope.CountRequestsAsync());
    }

    [Fact]
    public async Task A_retry_after_on_a_500_neither_delays_the_retry_nor_throttles_later_calls()
    {
        var retryAfter = new Dictionary<string, string> { ["Retry-After"] = "600" };
        await _scope.AddSequenceAsync(
            ResilienceTestClient.Error(_scope, 500, "server_error", 0, retryAfter),
            ResilienceTestClient.Error(_scope, 500, "server_error", 0, retryAfter),
            ResilienceTestClient.Error(_scope, 500, "server_error", 0, retryAfter),
            ResilienceTestClient.Ok(_scope, "later"));
        var client = ResilienceTestClient.Create(_scope);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Null(error.Details.ServerRequestedWait);
        Assert.Equal(3, await _scope.CountRequestsAsync());

        Assert.Equal("later", (await client.GetTokenAsync()).Token); // no throttle window was opened
        Assert.Equal(4, await _scope.CountRequestsAsync());
    }
}
