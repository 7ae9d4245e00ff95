using System.Net;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// One rule for the server's wait: <c>Retry-After</c> counts on 429 and 503 (where RFC 9110 and RFC 6585 give it
/// that meaning) for both the retry pipeline and client-side throttling; other transient errors retry with backoff.
/// </summary>
public sealed class ServerWaitRuleTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task Temporarily_unavailable_on_a_400_is_retried()
    {
        _mock.AnswerInOrder(ResilienceTestClient.Error(400, "temporarily_unavailable", 90033), ResilienceTestClient.Ok("after-retry"));
        var token = await ResilienceTestClient.Create(_mock).GetTokenAsync();
        Assert.Equal("after-retry", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_retry_after_on_a_500_neither_delays_the_retry_nor_throttles_later_calls()
    {
        var retryAfter = new Dictionary<string, string> { ["Retry-After"] = "600" };
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(500, "server_error", 0, retryAfter),
            ResilienceTestClient.Error(500, "server_error", 0, retryAfter),
            ResilienceTestClient.Error(500, "server_error", 0, retryAfter),
            ResilienceTestClient.Ok("later"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Null(error.Details.ServerRequestedWait);
        Assert.Equal(3, _mock.RequestCount);

        Assert.Equal("later", (await client.GetTokenAsync()).Token); // no throttle window was opened
        Assert.Equal(4, _mock.RequestCount);
    }
}
