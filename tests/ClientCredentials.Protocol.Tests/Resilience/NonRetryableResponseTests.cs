using System.Net;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Resilience;

/// <summary>
/// Answers that retrying cannot fix are reported at once, after one request: 4xx OAuth errors, and complete 200
/// bodies that are not a token response (truncated JSON, an <c>error</c>, no <c>access_token</c>).
/// </summary>
public sealed class NonRetryableResponseTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task Invalid_client_is_not_retried()
    {
        _mock.AnswerInOrder(ResilienceTestClient.Error(400, "invalid_client", 7000215), ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("invalid_client", error.Error);
        Assert.Equal([7000215], error.ErrorCodes);
        Assert.False(error.IsTransient);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_truncated_json_body_is_an_invalid_response_and_not_retried()
    {
        _mock.AnswerInOrder(
            ResilienceTestClient.Raw(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_tok", "application/json"),
            ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("not valid JSON", error.ErrorDescription);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_200_carrying_an_error_is_that_error_and_not_retried()
    {
        _mock.AnswerInOrder(
            WireMockResponses.Json(
                200,
                new JsonObject { ["error"] = "invalid_scope", ["error_description"] = "AADSTS70011: The provided value for scope is not valid.", ["error_codes"] = new JsonArray(70011) }),
            ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_scope", error.Error);
        Assert.Equal([70011], error.ErrorCodes);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task A_200_without_access_token_is_an_invalid_response_and_not_retried()
    {
        _mock.AnswerInOrder(
            WireMockResponses.Json(200, new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3599 }),
            ResilienceTestClient.Ok("never-reached"));
        var client = ResilienceTestClient.Create(_mock);

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("access_token", error.ErrorDescription);
        Assert.Equal(1, _mock.RequestCount);
    }
}
