using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>OIDC discovery (OpenID Connect Discovery 1.0 §4): token_endpoint read once, issuer checked, refetched after failure.</summary>
public sealed class DiscoveryTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.StartWithNetworkFaults();

    public void Dispose() => _mock.Dispose();

    private string Issuer => _mock.Url("issuer").AbsoluteUri;

    private void StubDiscovery(string issuer, string tokenPath) => _mock.Stub(
        WireMockResponses.Get("/issuer/.well-known/openid-configuration"),
        WireMockResponses.Json(200, new JsonObject { ["issuer"] = issuer, ["token_endpoint"] = _mock.Url(tokenPath).AbsoluteUri, ["jwks_uri"] = _mock.Url("keys").AbsoluteUri }));

    private ClientCredentialsClient Client() => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.OidcIssuer(new Uri(Issuer)),
        ClientId = "svc",
        Credential = new ClientSecretCredential("pw"),
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private int Count(string method, string relativePath) =>
        _mock.Requests.Count(r => r.Method == method && r.AbsoluteUrl.AbsolutePath == "/" + relativePath);

    [Fact]
    public async Task Token_endpoint_comes_from_discovery_fetched_once()
    {
        StubDiscovery(Issuer, "oauth/token");
        _mock.Stub(WireMockResponses.Post("/oauth/token"), WireMockResponses.AccessToken("t"));
        var client = Client();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => client.GetTokenAsync(new TokenRequestParameters($"scope{i}")).AsTask()));

        Assert.Equal(1, Count("GET", "issuer/.well-known/openid-configuration"));
        Assert.Equal(5, Count("POST", "oauth/token"));
    }

    [Fact]
    public async Task A_document_naming_another_issuer_is_refused()
    {
        StubDiscovery("https://evil.example.com/", "oauth/token");
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client().GetTokenAsync(new TokenRequestParameters("read")).AsTask());
        Assert.Contains("evil.example.com", error.Message);
        Assert.Contains("identical", error.Message);
        Assert.Equal(0, Count("POST", "oauth/token"));
    }

    [Fact]
    public async Task Discovery_is_fetched_again_after_the_token_endpoint_was_unreachable()
    {
        StubDiscovery(Issuer, "oauth/token");
        _mock.Stub(WireMockResponses.Post("/oauth/token"), WireMockResponses.NetworkFault(NetworkFault.ConnectionResetByPeer));
        var client = Client();
        await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => client.GetTokenAsync(new TokenRequestParameters("read")).AsTask());
        await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => client.GetTokenAsync(new TokenRequestParameters("read")).AsTask());
        Assert.Equal(2, Count("GET", "issuer/.well-known/openid-configuration"));
    }

    [Fact]
    public async Task A_missing_discovery_document_is_an_error_naming_the_url()
    {
        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => Client().GetTokenAsync(new TokenRequestParameters("read")).AsTask());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains(".well-known/openid-configuration", error.ErrorDescription);
    }
}
