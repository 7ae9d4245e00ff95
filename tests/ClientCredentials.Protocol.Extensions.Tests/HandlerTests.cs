using System.Net;
using System.Text;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>The bearer handler between a host's HttpClient and a protected API, with the emulator issuing tokens.</summary>
[Collection("loopback")]
public sealed class HandlerTests(LoopbackFixture fixture)
{
    private const string ClaimsJson = """{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}""";

    private Task<TestHost> StartAsync(string secret = LoopbackFixture.Secret) =>
        TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(secret)));

    [Fact]
    public async Task Attaches_a_bearer_token_and_reuses_it_from_the_cache()
    {
        fixture.Api.Reset();
        await using var host = await StartAsync();

        using var first = await host.ApiClient.GetAsync("orders");
        using var second = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var calls = fixture.Api.Calls;
        Assert.Equal(2, calls.Count);
        Assert.NotNull(calls[0].BearerToken);
        Assert.Equal(calls[0].BearerToken, calls[1].BearerToken);
        Assert.Equal(1, host.TokenRequests.Count);
        Assert.Equal(LoopbackFixture.ApiScope, host.TokenRequests.Requests[0]["scope"].ToString());
    }

    [Fact]
    public async Task A_401_invalidates_the_token_refreshes_once_and_resends_once()
    {
        fixture.Api.Reset(ApiReply.Unauthorized());
        await using var host = await StartAsync();

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = fixture.Api.Calls;
        Assert.Equal(2, calls.Count);
        Assert.NotEqual(calls[0].BearerToken, calls[1].BearerToken);
        Assert.Equal(2, host.TokenRequests.Count);

        // The refreshed token is now the cached one: the next call needs no token request.
        using var next = await host.ApiClient.GetAsync("orders");
        Assert.Equal(calls[1].BearerToken, fixture.Api.Calls[2].BearerToken);
        Assert.Equal(2, host.TokenRequests.Count);
    }

    [Fact]
    public async Task A_second_401_is_returned_without_a_further_retry()
    {
        fixture.Api.Reset(ApiReply.Unauthorized(), ApiReply.Unauthorized());
        await using var host = await StartAsync();

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, fixture.Api.Calls.Count);
        Assert.Equal(2, host.TokenRequests.Count);
        Assert.Contains(host.Logs.Entries, e => e.EventId == 3006);
    }

    [Fact]
    public async Task A_claims_challenge_is_decoded_and_sent_as_the_claims_parameter()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(ClaimsJson));
        fixture.Api.Reset(ApiReply.Unauthorized(
            $"Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"{encoded}\""));
        await using var host = await StartAsync();

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requests = host.TokenRequests.Requests;
        Assert.Equal(2, requests.Count);
        Assert.False(requests[0].ContainsKey("claims"));
        Assert.Equal(ClaimsJson, requests[1]["claims"].ToString());
        Assert.Equal(2, fixture.Api.Calls.Count);
    }

    [Theory]
    [InlineData("not base64 and not json!")]
    [InlineData("WzEsMiwzXQ")] // Base64url of [1,2,3]: JSON, but not an object
    public async Task An_unreadable_claims_challenge_is_ignored_with_a_warning_and_a_plain_new_token_is_used(string claims)
    {
        fixture.Api.Reset(ApiReply.Unauthorized($"Bearer error=\"insufficient_claims\", claims=\"{claims}\""));
        await using var host = await StartAsync();

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requests = host.TokenRequests.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.False(r.ContainsKey("claims")));
        Assert.Contains(host.Logs.Entries, e => e.EventId == 3005);
    }

    [Theory]
    [InlineData("bearer", "Bearer")]
    [InlineData("BEARER", "Bearer")]
    [InlineData("PoP", "PoP")]
    public async Task The_authorization_scheme_is_the_token_type_with_bearer_spelled_as_RFC_6750_spells_it(string tokenType, string scheme)
    {
        fixture.Api.Reset();
        await using var host = await TestHost.StartAsync(
            fixture,
            TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret)),
            services => services.AddHttpClient(ClientCredentialsDefaults.TokenEndpointHttpClientName).AddHttpMessageHandler(() => new TokenTypeRewriter(tokenType)));

        using var response = await host.ApiClient.GetAsync("orders");

        var authorization = Assert.Single(fixture.Api.Calls).Authorization;
        var token = (await host.Services.GetRequiredService<IClientCredentialsClientFactory>().Get("api").GetTokenAsync()).Token;
        Assert.Equal($"{scheme} {token}", authorization);
    }

    [Fact]
    public async Task A_buffered_body_is_sent_again_unchanged()
    {
        fixture.Api.Reset(ApiReply.Unauthorized());
        await using var host = await StartAsync();

        using var response = await host.ApiClient.PostAsync("orders", new StringContent("{\"item\":42}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = fixture.Api.Calls;
        Assert.Equal(2, calls.Count);
        Assert.All(calls, call => Assert.Equal("{\"item\":42}", call.Body));
    }

    [Fact]
    public async Task A_small_stream_body_of_known_length_is_buffered_up_front_and_sent_again()
    {
        fixture.Api.Reset(ApiReply.Unauthorized());
        await using var host = await StartAsync();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("payload-bytes")));

        using var response = await host.ApiClient.PostAsync("upload", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(fixture.Api.Calls, call => Assert.Equal("payload-bytes", call.Body));
        Assert.Equal(2, fixture.Api.Calls.Count);
    }

    [Fact]
    public async Task A_streamed_body_that_cannot_be_rewound_is_not_sent_again_and_the_401_is_returned()
    {
        fixture.Api.Reset(ApiReply.Unauthorized());
        await using var host = await StartAsync();
        var content = new StreamContent(new ForwardOnlyStream(Encoding.UTF8.GetBytes("streamed")));

        using var response = await host.ApiClient.PostAsync("upload", content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(fixture.Api.Calls);
        Assert.Equal(1, host.TokenRequests.Count);
        Assert.Contains(host.Logs.Entries, e => e.EventId == 3003);

        // The rejected token was still invalidated: the next request gets a new one.
        using var next = await host.ApiClient.GetAsync("orders");
        Assert.Equal(2, host.TokenRequests.Count);
        Assert.NotEqual(fixture.Api.Calls[0].BearerToken, fixture.Api.Calls[1].BearerToken);
    }

    [Fact]
    public async Task When_no_token_can_be_had_the_typed_error_is_thrown_and_the_api_is_never_called()
    {
        fixture.Api.Reset();
        await using var host = await StartAsync(secret: "not-the-secret");

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => host.ApiClient.GetAsync("orders"));

        Assert.Equal("invalid_client", error.Error);
        Assert.Contains(7000215, error.ErrorCodes);
        Assert.Empty(fixture.Api.Calls);
        Assert.Contains(host.Logs.Entries, e => e.EventId == 3004);
    }

    [Fact]
    public async Task When_the_token_endpoint_is_unreachable_the_api_is_never_called()
    {
        fixture.Api.Reset();
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret));
        configuration["ClientCredentials"]!["api"]!["Instance"] = "http://127.0.0.1:1/";
        await using var host = await TestHost.StartAsync(fixture, configuration);

        await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => host.ApiClient.GetAsync("orders"));

        Assert.Empty(fixture.Api.Calls);
    }

    [Fact]
    public async Task A_handler_with_its_own_scopes_requests_tokens_for_them()
    {
        fixture.Api.Reset();
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret));
        configuration["ClientCredentials"]!["api"]!.AsObject().Remove("Scopes");
        await using var host = await TestHost.StartAsync(fixture, configuration, services =>
            services.AddHttpClient("scoped", c => c.BaseAddress = fixture.Api.BaseAddress).AddClientCredentialsHandler("api", LoopbackFixture.ApiScope));
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("scoped");

        using var response = await client.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LoopbackFixture.ApiScope, host.TokenRequests.Requests.Single()["scope"].ToString());
    }

    /// <summary>Rewrites <c>token_type</c> in token responses, as a server that answers another type or case would send it.</summary>
    private sealed class TokenTypeRewriter(string tokenType) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            body["token_type"] = tokenType;
            response.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            return response;
        }
    }

    /// <summary>A readable stream that cannot seek and does not know its length, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
