using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>OIDC discovery (OpenID Connect Discovery 1.0 §4): token_endpoint read once, issuer checked, refetched after failure.</summary>
public sealed class DiscoveryTests(WireMockFixture wireMock) : IClassFixture<WireMockFixture>, IAsyncLifetime
{
    private readonly WireMockTestScope _scope = wireMock.CreateScope();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _scope.DisposeAsync().AsTask();

    private string Issuer => _scope.Url("issuer").AbsoluteUri;

    private Task StubDiscovery(string issuer, string tokenPath) => _scope.AddMappingAsync(WireMockMapping.Json(
        "GET",
        _scope.Path("issuer/.well-known/openid-configuration"),
        200,
        new JsonObject { ["issuer"] = issuer, ["token_endpoint"] = _scope.Url(tokenPath).AbsoluteUri, ["jwks_uri"] = _scope.Url("keys").AbsoluteUri }));

    private ClientCredentialsClient Client() => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.OidcIssuer(new Uri(Issuer)),
        ClientId = "svc",
        Credential = new ClientSecretCredential("pw"),
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private async Task<int> Count(string method, string relativePath) =>
        (await _scope.GetRequestsAsync()).Count(r => r.Method == method && r.AbsoluteUrl.AbsolutePath == _scope.Path(relativePath));

    [Fact]
    public async Task Token_endpoint_comes_from_discovery_fetched_once()
    {
        await StubDiscovery(Issuer, "oauth/token");
        await _scope.AddMappingAsync(WireMockMapping.TokenEndpoint(_scope.Path("oauth/token"), 200, WireMockMapping.AccessTokenBody("t")));
        var client = Client();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => client.GetTokenAsync(new TokenRequestParameters($"scope{i}")).AsTask()));

        Assert.Equal(1, await Count("GET", "issuer/.well-known/openid-configuration"));
        Assert.Equal(5, await Count("POST", "oauth/token"));
    }

    [Fact]
    public async Task A_document_naming_another_issuer_is_refused()
    {
        await StubDiscovery("https://evil.example.com/", "oauth/token");
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client().GetTokenAsync(new TokenRequestParameters("read")).AsTask());
        Assert.Contains("evil.example.com", error.Message);
        Assert.Contains("identical", error.Message);
        Assert.Equal(0, await Count("POST", "oauth/token"));
    }

    [Fact]
    public async Task Discovery_is_fetched_again_after_the_token_endpoint_was_unreachable()
    {
        await StubDiscovery(Issuer, "oauth/token");
        await _scope.AddMappingAsync(WireMockMapping.Fault("POST", _scope.Path("oauth/token"), WireMockFault.ConnectionResetByPeer));
        var client = Client();
        await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => client.GetTokenAsync(new TokenRequestParameters("read")).AsTask());
        await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => client.GetTokenAsync(new TokenRequestParameters("read")).AsTask());
        Assert.Equal(2, await Count("GET", "issuer/.well-known/openid-configuration"));
    }

    [Fact]
    public async Task A_missing_discovery_document_is_an_error_naming_the_url()
    {
        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => Client().GetTokenAsync(new TokenRequestParameters("read")).AsTask());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains(".well-known/openid-configuration", error.ErrorDescription);
    }
}
