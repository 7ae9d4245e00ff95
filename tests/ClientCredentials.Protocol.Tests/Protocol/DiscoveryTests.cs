using System.Net;
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

    private const string OidcPath = "issuer/.well-known/openid-configuration";

    private static HttpClient Http() => new(TokenEndpointHttpHandler.Create());

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

    [Fact]
    public async Task A_document_that_cannot_be_fetched_is_an_unreachable_error_naming_its_url()
    {
        _mock.Stub(WireMockResponses.Get("/" + OidcPath), WireMockResponses.NetworkFault(NetworkFault.ConnectionResetByPeer));
        using var http = Http();

        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => TokenAuthority.OidcIssuer(new Uri(Issuer)).GetMetadataAsync(http).AsTask());

        var location = _mock.Url(OidcPath);
        Assert.Equal(location, error.TokenEndpoint);
        Assert.False(error.TimedOut);
        Assert.StartsWith($"The authorization server metadata at {location.AbsoluteUri} could not be fetched: ", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task The_document_is_kept_once_read()
    {
        StubDiscovery(Issuer, "oauth/token");
        var authority = TokenAuthority.OidcIssuer(new Uri(Issuer));
        using var http = Http();

        var first = await authority.GetMetadataAsync(http);
        var second = await authority.GetMetadataAsync(http);

        Assert.Same(first, second);
        Assert.Equal(1, Count("GET", OidcPath));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_document_is_read_again_once_it_is_more_than_a_day_old(bool rfc8414First)
    {
        StubDiscovery(Issuer, "oauth/token");
        var clock = new TestClock();
        var authority = rfc8414First ? TokenAuthority.OAuthIssuer(new Uri(Issuer), clock) : TokenAuthority.OidcIssuer(new Uri(Issuer), clock);
        using var http = Http();

        await authority.GetMetadataAsync(http);
        clock.Advance(TimeSpan.FromHours(24));
        await authority.GetMetadataAsync(http);
        var readsAtADay = Count("GET", OidcPath);
        clock.Advance(TimeSpan.FromTicks(1));
        await authority.GetMetadataAsync(http);

        Assert.Equal((1, 2), (readsAtADay, Count("GET", OidcPath)));
    }

    [Fact]
    public async Task When_neither_location_has_the_document_each_is_asked_once_and_the_error_names_the_last()
    {
        using var http = Http();

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => TokenAuthority.OAuthIssuer(new Uri(Issuer)).GetMetadataAsync(http).AsTask());

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal($"GET {_mock.Url(OidcPath).AbsoluteUri} answered HTTP 404; check the issuer URL.", error.ErrorDescription);
        Assert.Equal(["/.well-known/oauth-authorization-server/issuer", "/" + OidcPath], _mock.Requests.Select(r => r.AbsoluteUrl.AbsolutePath));
    }

    [Fact]
    public void A_missing_http_client_is_refused_at_once() =>
        Assert.Equal("httpClient", Assert.Throws<ArgumentNullException>(() => { _ = TokenAuthority.OidcIssuer(new Uri(Issuer)).GetMetadataAsync(null!); }).ParamName);

    [Fact]
    public async Task Kept_metadata_is_returned_synchronously_without_allocating()
    {
        StubDiscovery(Issuer, "oauth/token");
        var authority = TokenAuthority.OidcIssuer(new Uri(Issuer));
        using var http = Http();
        var first = await authority.GetMetadataAsync(http);
        for (var i = 0; i < 1_000; i++)
        {
            Assert.True(authority.GetMetadataAsync(http).IsCompletedSuccessfully);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            var pending = authority.GetMetadataAsync(http);
            Assert.True(pending.IsCompletedSuccessfully);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Same(first, await authority.GetMetadataAsync(http));
    }
}
