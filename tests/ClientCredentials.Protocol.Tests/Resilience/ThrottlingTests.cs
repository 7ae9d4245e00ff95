using System.Net;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// Client-side throttling (as MSAL): after a <c>Retry-After</c> (capped at 1 hour) or AADSTS50196, calls for the key
/// inside the window send nothing; they get the cached token while it is still valid, otherwise
/// <see cref="TokenRequestThrottledException"/>. The clock is manual; the HTTP exchanges are real.
/// </summary>
public sealed class ThrottlingTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();
    private readonly TestClock _clock = new();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task Loop_detected_50196_throttles_the_key_until_the_window_passes()
    {
        _mock.AnswerInOrder(
            WireMockResponses.Json(
                400,
                new JsonObject
                {
                    ["error"] = "invalid_request",
                    ["error_description"] = "AADSTS50196: The server terminated an operation because it encountered a client request loop.",
                    ["error_codes"] = new JsonArray(50196),
                }),
            ResilienceTestClient.Ok("after-window"));
        var client = ResilienceTestClient.Create(_mock, ResilienceTestClient.Fast with { LoopDetectedWindow = TimeSpan.FromSeconds(60) }, _clock);
        var start = _clock.GetUtcNow();

        var loop = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        Assert.Equal(HttpStatusCode.BadRequest, loop.StatusCode);
        Assert.Equal(1, _mock.RequestCount);

        _clock.Advance(TimeSpan.FromSeconds(59));
        var throttled = await Assert.ThrowsAsync<TokenRequestThrottledException>(async () => await client.GetTokenAsync());
        Assert.Equal(start.AddSeconds(60), throttled.RetryAt);
        Assert.Equal(TimeSpan.FromSeconds(1), throttled.RetryAfter);
        Assert.Contains("No request was sent", throttled.Message);
        Assert.Equal(1, _mock.RequestCount);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var token = await client.GetTokenAsync();
        Assert.Equal("after-window", token.Token);
        Assert.Equal(2, _mock.RequestCount);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_an_hour_throttles_for_one_hour()
    {
        _mock.AnswerAlways(ResilienceTestClient.Error(429, "temporarily_unavailable", 90033, new Dictionary<string, string> { ["Retry-After"] = "86400" }));
        var client = ResilienceTestClient.Create(_mock, timeProvider: _clock);
        var start = _clock.GetUtcNow();

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());
        Assert.Equal(TimeSpan.FromDays(1), error.RetryAfter);

        var throttled = await Assert.ThrowsAsync<TokenRequestThrottledException>(async () => await client.GetTokenAsync());
        Assert.Equal(start.AddHours(1), throttled.RetryAt);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task While_throttled_a_fresh_token_is_a_plain_hit_and_one_inside_its_expiry_buffer_is_served_as_extended_lifetime()
    {
        // Token lives 100 s; with a 30 s buffer it is fresh until 70 s and valid until 100 s. A forced refresh at 0 s
        // meets 429 Retry-After 120, so the key is throttled until 120 s.
        _mock.AnswerInOrder(
            ResilienceTestClient.Ok("first", expiresIn: 100),
            ResilienceTestClient.Error(429, "temporarily_unavailable", 90033, new Dictionary<string, string> { ["Retry-After"] = "120" }));
        var client = ResilienceTestClient.Create(_mock, timeProvider: _clock, cacheOptions: new TokenCacheOptions { ExpiryBuffer = TimeSpan.FromSeconds(30) });
        var start = _clock.GetUtcNow();
        var first = await client.GetTokenAsync();
        var refused = await Assert.ThrowsAsync<TokenEndpointException>(
            async () => await client.GetTokenAsync(new TokenRequestParameters(ResilienceTestClient.Scope) { ForceRefresh = true }));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(2, _mock.RequestCount);

        _clock.Advance(TimeSpan.FromSeconds(10));
        var fresh = await client.GetTokenAsync();
        Assert.Equal("first", fresh.Token);
        Assert.Equal(TokenSource.Cache, fresh.Source);
        Assert.False(fresh.IsExtendedLifetime);

        _clock.Advance(TimeSpan.FromSeconds(70));
        var buffered = await client.GetTokenAsync();
        Assert.Equal("first", buffered.Token);
        Assert.Equal(first.ExpiresOn, buffered.ExpiresOn);
        Assert.True(buffered.IsExtendedLifetime);

        _clock.Advance(TimeSpan.FromSeconds(21));
        var expired = await Assert.ThrowsAsync<TokenRequestThrottledException>(async () => await client.GetTokenAsync());
        Assert.Equal(start.AddSeconds(120), expired.RetryAt);
        Assert.Equal(2, _mock.RequestCount);
    }
}
