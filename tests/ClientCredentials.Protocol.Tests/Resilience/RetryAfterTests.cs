using System.Globalization;
using System.Net;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// 429 and 503 with <c>Retry-After</c> (RFC 9110 §10.2.3, seconds or HTTP-date): a wait within
/// <see cref="TokenRequestResilienceOptions.MaxRetryAfterWait"/> is waited and retried once; a longer one fails at once
/// with the wait on the error and opens a client-side throttling window.
/// </summary>
public sealed class RetryAfterTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task A_503_with_a_short_Retry_After_is_waited_for_and_retried()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(503, "temporarily_unavailable", 90033, RetryAfter("1")),
            ResilienceTestClient.Ok("after-wait"));
        var client = ResilienceTestClient.Create(_mock);

        var token = await client.GetTokenAsync();

        Assert.Equal("after-wait", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_Retry_After_of_exactly_MaxRetryAfterWait_is_still_waited_for()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(503, "temporarily_unavailable", 90033, RetryAfter("1")),
            ResilienceTestClient.Ok("after-wait"));
        var client = ResilienceTestClient.Create(_mock, ResilienceTestClient.Fast with { MaxRetryAfterWait = TimeSpan.FromSeconds(1) });

        var token = await client.GetTokenAsync();

        Assert.Equal("after-wait", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_short_Retry_After_is_honoured_once_per_call()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(429, "temporarily_unavailable", 90033, RetryAfter("1")),
            ResilienceTestClient.Error(429, "temporarily_unavailable", 90033, RetryAfter("1")),
            ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_429_with_a_long_Retry_After_fails_at_once_and_the_next_call_sends_nothing()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(429, "temporarily_unavailable", 90033, RetryAfter("120")),
            ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal(1, _mock.RequestCount);

        var throttled = await Assert.ThrowsAsync<TokenRequestThrottledException>(async () => await client.GetTokenAsync());
        Assert.InRange(throttled.RetryAfter!.Value, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120));
        Assert.Same(error, throttled.InnerException);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_503_with_a_long_Retry_After_fails_at_once()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(503, "temporarily_unavailable", 90033, RetryAfter("30")),
            ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Contains("Retry after 30 s", error.Message);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_429_with_a_plain_text_body_is_a_typed_error_with_the_text_and_its_Retry_After()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Raw(429, "Too many requests. Slow down.", "text/plain", RetryAfter("60")),
            ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("invalid_response", error.Error);
        Assert.Equal("Too many requests. Slow down.", error.ResponseSnippet);
        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_429_without_Retry_After_is_not_retried_and_opens_no_window()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Raw(429, "Too many requests", "text/plain"),
            ResilienceTestClient.Ok("second-call"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Null(error.RetryAfter);
        Assert.Equal(1, _mock.RequestCount);

        var token = await client.GetTokenAsync();
        Assert.Equal("second-call", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_Retry_After_HTTP_date_far_ahead_fails_at_once_with_the_wait_until_that_date()
    {
        var date = DateTimeOffset.UtcNow.AddMinutes(10);
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(429, "temporarily_unavailable", 90033, RetryAfter(date.ToString("r", CultureInfo.InvariantCulture))),
            ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.InRange(error.RetryAfter!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, _mock.RequestCount);
        await Assert.ThrowsAsync<TokenRequestThrottledException>(async () => await client.GetTokenAsync());
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_Retry_After_HTTP_date_in_the_past_is_retried_at_once()
    {
        var date = DateTimeOffset.UtcNow.AddMinutes(-5);
        _mock.AnswerInOrder(
            ResilienceTestClient.Error(503, "temporarily_unavailable", 90033, RetryAfter(date.ToString("r", CultureInfo.InvariantCulture))),
            ResilienceTestClient.Ok("after-past-date"));
        var client = ResilienceTestClient.Create(_mock);

        var token = await client.GetTokenAsync();

        Assert.Equal("after-past-date", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    private static Dictionary<string, string> RetryAfter(string value) => new() { ["Retry-After"] = value };
}
