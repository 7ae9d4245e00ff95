namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// What a caller gets when the token endpoint redirects (RFC 6749 §3.2: the token endpoint is a fixed URL): every
/// 3xx, and only a 3xx, is a non-transient <c>invalid_response</c> that names the status and the target without its
/// query; an HttpClient whose own handler followed the redirect gets a configuration error for <c>HttpClient</c> that
/// says the credential may have been exposed.
/// </summary>
public sealed class RedirectRefusalTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    [Theory]
    [InlineData(300)]
    [InlineData(302)]
    [InlineData(399)]
    public async Task Every_3xx_is_an_invalid_response_naming_the_status_and_the_target_without_its_query(int status)
    {
        _mock.Stub(WireMockResponses.Post("/token"), WireMockResponses.Text(status, "", headers: new Dictionary<string, string> { ["Location"] = _mock.Url("elsewhere").AbsoluteUri + "?code=secret" }));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Client().GetTokenAsync());

        Assert.Equal(status, (int)error.StatusCode);
        Assert.Equal("invalid_response", error.Error);
        Assert.False(error.IsTransient);
        Assert.StartsWith($"The token endpoint answered HTTP {status}, a redirect to {_mock.Url("elsewhere").AbsoluteUri}. Redirects are never followed: the request would carry the client secret or assertion to another address (RFC 6749 §3.2: the token endpoint is a fixed URL). Configure the final URL.", error.ErrorDescription);
        Assert.DoesNotContain("code=secret", error.Message);
        Assert.Single(_mock.Requests);
    }

    [Fact]
    public async Task A_relative_Location_is_named_against_the_token_endpoint_and_a_missing_one_is_left_out()
    {
        _mock.Stub(WireMockResponses.Post("/relative/token"), WireMockResponses.Text(307, "", headers: new Dictionary<string, string> { ["Location"] = "moved" }));
        _mock.Stub(WireMockResponses.Post("/token"), WireMockResponses.Text(303, ""));

        var relative = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Client("relative/token").GetTokenAsync());
        var missing = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Client().GetTokenAsync());

        Assert.StartsWith($"The token endpoint answered HTTP 307, a redirect to {_mock.Url("relative/moved").AbsoluteUri}. Redirects", relative.ErrorDescription);
        Assert.StartsWith("The token endpoint answered HTTP 303, a redirect. Redirects", missing.ErrorDescription);
    }

    [Theory]
    [InlineData(299)]
    [InlineData(400)]
    public async Task A_status_next_to_the_3xx_range_is_read_as_a_token_response(int status)
    {
        _mock.Stub(WireMockResponses.Post("/token"), WireMockResponses.Text(status, "{\"error\":\"invalid_request\"}", "application/json", new Dictionary<string, string> { ["Location"] = _mock.Url("elsewhere").AbsoluteUri }));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () => await Client().GetTokenAsync());

        Assert.Equal("invalid_request", error.Error);
    }

    [Fact]
    public async Task An_HttpClient_that_follows_the_redirect_itself_is_refused_and_the_credential_reported_as_exposed()
    {
        _mock.Stub(WireMockResponses.Post("/token"), WireMockResponses.Text(307, "", headers: new Dictionary<string, string> { ["Location"] = _mock.Url("elsewhere").AbsoluteUri }));
        _mock.Stub(WireMockResponses.Post("/elsewhere"), WireMockResponses.AccessToken("answered-elsewhere"));
        using var following = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await Client(httpClient: following).GetTokenAsync());

        Assert.Equal("HttpClient", error.Setting);
        var sent = AuthorityUri.Printable(_mock.Url("token"));
        var answered = AuthorityUri.Printable(_mock.Url("elsewhere"));
        Assert.Equal(
            $"The HttpClient given to this client followed a redirect from {sent} to {answered}; its answer was not used. On a 307 or 308 redirect that handler posted the request body — the client secret or assertion — to {answered}: " +
            "unless you control that host, treat the credential as exposed and rotate it. Give an HttpClient whose handler does not follow redirects: new HttpClient(TokenEndpointHttpHandler.Create()), or a handler with AllowAutoRedirect = false.",
            error.Message);
        Assert.DoesNotContain("answered-elsewhere", error.Message);
    }

    [Fact]
    public async Task An_HttpClient_that_follows_a_redirect_of_the_metadata_request_is_refused_without_a_credential_reported_as_exposed()
    {
        _mock.Stub(WireMockResponses.Get("/.well-known/oauth-authorization-server/tenant-a"), WireMockResponses.Text(302, "", headers: new Dictionary<string, string> { ["Location"] = _mock.Url("elsewhere").AbsoluteUri }));
        _mock.Stub(WireMockResponses.Get("/elsewhere"), WireMockResponses.Json(200, new System.Text.Json.Nodes.JsonObject { ["issuer"] = _mock.Url("tenant-a").AbsoluteUri, ["token_endpoint"] = _mock.Url("token").AbsoluteUri }));
        using var following = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.OAuthIssuer(_mock.Url("tenant-a")),
            ClientId = "svc",
            Credential = new ClientSecretCredential("pw"),
            Scopes = ["read"],
            HttpClient = following,
            Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        });

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () => await client.GetTokenAsync());

        Assert.Equal("HttpClient", error.Setting);
        var sent = AuthorityUri.Printable(_mock.Url(".well-known/oauth-authorization-server/tenant-a"));
        var answered = AuthorityUri.Printable(_mock.Url("elsewhere"));
        Assert.Equal(
            $"The HttpClient given to this client followed a redirect from {sent} to {answered}; its answer was not used. " +
            "Give an HttpClient whose handler does not follow redirects: new HttpClient(TokenEndpointHttpHandler.Create()), or a handler with AllowAutoRedirect = false.",
            error.Message);
        Assert.DoesNotContain(_mock.Requests, r => r.Method == "POST");
    }

    [Fact]
    public void The_mutual_tls_handler_needs_a_certificate_with_its_private_key()
    {
        Assert.Equal("clientCertificate", Assert.Throws<ArgumentNullException>(() => TokenEndpointHttpHandler.Create(null!)).ParamName);
        using var certificate = TestCertificates.Rsa();
        using var publicOnly = TestCertificates.PublicOnly(certificate);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenEndpointHttpHandler.Create(publicOnly));

        Assert.Equal("Certificate", error.Setting);
        Assert.Equal($"Certificate '{publicOnly.Subject}' (thumbprint {publicOnly.Thumbprint}) has no private key, so it cannot be presented on a TLS connection; load it with its key.", error.Message);
    }

    [Fact]
    public void The_library_handler_follows_no_redirect_renews_connections_and_accepts_compression()
    {
        using var handler = TokenEndpointHttpHandler.Create();

        Assert.False(handler.AllowAutoRedirect);
        Assert.Equal(TimeSpan.FromMinutes(5), handler.PooledConnectionLifetime);
        Assert.Equal(System.Net.DecompressionMethods.All, handler.AutomaticDecompression);
    }

    private ClientCredentialsClient Client(string path = "token", HttpClient? httpClient = null) =>
        new(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.TokenEndpoint(_mock.Url(path)),
            ClientId = "svc",
            Credential = new ClientSecretCredential("pw"),
            Scopes = ["read"],
            HttpClient = httpClient,
            Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        });
}
