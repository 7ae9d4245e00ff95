using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// RFC 8414 metadata and what is read from it: the path-inserted location, the issuer check, the authentication
/// methods a credential must be among (refused before sending), the signing algorithms, the mTLS alias (https only),
/// and the rfc7523bis audience of assertions for a server found by its issuer.
/// </summary>
public sealed class AuthorizationServerMetadataTests : IDisposable
{
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    /// <summary>An issuer with a path, as multi-tenant servers have.</summary>
    private string Issuer => _mock.Url("tenant-a").AbsoluteUri;

    private const string OAuthMetadataPath = "/.well-known/oauth-authorization-server/tenant-a";

    private void StubMetadata(string path, string issuer, Action<JsonObject>? more = null)
    {
        var document = new JsonObject { ["issuer"] = issuer, ["token_endpoint"] = _mock.Url("tenant-a/token").AbsoluteUri };
        more?.Invoke(document);
        _mock.Stub(WireMockResponses.Get(path), WireMockResponses.Json(200, document));
        _mock.Stub(WireMockResponses.Post("/tenant-a/token"), WireMockResponses.AccessToken("t"));
    }

    private ClientCredentialsClient Client(ClientCredential credential, TokenAuthority? authority = null) => new(new ClientCredentialsClientOptions
    {
        Authority = authority ?? TokenAuthority.OAuthIssuer(new Uri(Issuer)),
        ClientId = "svc",
        Credential = credential,
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private int Posts => _mock.Requests.Count(r => r.Method == "POST");

    private string OAuthMetadataUrl => _mock.Url(OAuthMetadataPath).AbsoluteUri;

    /// <summary>The metadata of the issuer at <paramref name="issuerPath"/>, read with the library's own handler or <paramref name="handler"/>.</summary>
    private async Task<AuthorizationServerMetadata?> MetadataAsync(string issuerPath = "tenant-a", HttpMessageHandler? handler = null)
    {
        using var http = new HttpClient(handler ?? TokenEndpointHttpHandler.Create());
        return await TokenAuthority.OAuthIssuer(new Uri(_mock.Url(issuerPath).AbsoluteUri)).GetMetadataAsync(http);
    }

    [Fact]
    public async Task Rfc8414_metadata_is_read_where_the_well_known_suffix_is_inserted_before_the_issuers_path()
    {
        StubMetadata(OAuthMetadataPath, Issuer);

        await Client(new ClientSecretCredential("pw")).GetTokenAsync(new TokenRequestParameters("read"));

        Assert.Single(_mock.Requests, r => r.Method == "GET" && r.AbsoluteUrl.AbsolutePath == OAuthMetadataPath);
        Assert.DoesNotContain(_mock.Requests, r => r.AbsoluteUrl.AbsolutePath.Contains("openid-configuration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Oidc_discovery_is_read_when_the_rfc8414_location_answers_404()
    {
        StubMetadata("/tenant-a/.well-known/openid-configuration", Issuer);

        var token = await Client(new ClientSecretCredential("pw")).GetTokenAsync(new TokenRequestParameters("read"));

        Assert.Equal("t", token.Token);
        Assert.Equal(2, _mock.Requests.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task Metadata_naming_another_issuer_is_refused_before_anything_is_sent()
    {
        StubMetadata(OAuthMetadataPath, _mock.Url("tenant-b").AbsoluteUri);

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(new ClientSecretCredential("pw")).GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("Issuer", error.Setting);
        Assert.Contains("tenant-b", error.Message, StringComparison.Ordinal);
        Assert.Contains("RFC 8414 §3.3", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Posts);
    }

    [Fact]
    public async Task A_credential_whose_method_the_server_does_not_list_is_refused_before_sending_naming_the_supported_ones()
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt", "client_secret_basic"));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(new ClientSecretCredential("pw")).GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("Credential", error.Setting);
        Assert.Contains("client_secret_post", error.Message, StringComparison.Ordinal);
        Assert.Contains("private_key_jwt, client_secret_basic", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Posts);
    }

    [Fact]
    public async Task A_listed_method_is_sent()
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic"));

        await Client(new ClientSecretCredential("pw", ClientSecretTransport.BasicAuthentication)).GetTokenAsync(new TokenRequestParameters("read"));

        Assert.StartsWith("Basic ", _mock.Requests.Single(r => r.Method == "POST").GetHeader("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_mtls_alias_that_is_not_https_is_refused_naming_the_setting()
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["mtls_endpoint_aliases"] = new JsonObject { ["token_endpoint"] = _mock.Url("tenant-a/mtls/token").AbsoluteUri });
        using var certificate = TestCertificates.Rsa();

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(new TlsClientCertificateCredential(certificate)).GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("mtls_endpoint_aliases", error.Setting);
        Assert.Contains("not https", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Posts);
    }

    [Fact]
    public async Task A_tls_client_certificate_is_presented_at_the_servers_mtls_token_endpoint()
    {
        const string issuer = "https://issuer.example/tenant-a";
        var handler = new ScriptedHttpHandler(r => r.Method == HttpMethod.Get
            ? ScriptedHttpHandler.Json(200, $$$"""{"issuer":"{{{issuer}}}","token_endpoint":"{{{issuer}}}/token","mtls_endpoint_aliases":{"token_endpoint":"https://mtls.issuer.example/tenant-a/token"}}""")
            : ScriptedHttpHandler.Token("bound"));
        using var certificate = TestCertificates.Rsa();
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.OAuthIssuer(new Uri(issuer)),
            ClientId = "svc",
            Credential = new TlsClientCertificateCredential(certificate),
            HttpClient = new HttpClient(handler),
            Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        });

        var token = await client.GetTokenAsync(new TokenRequestParameters("read"));

        Assert.Equal("bound", token.Token);
        Assert.Equal(new Uri("https://mtls.issuer.example/tenant-a/token"), handler.Requests[^1]);
    }

    [Fact]
    public async Task Mutual_tls_without_an_https_endpoint_is_refused_before_sending()
    {
        StubMetadata(OAuthMetadataPath, Issuer);
        using var certificate = TestCertificates.Rsa();

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(new TlsClientCertificateCredential(certificate)).GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("Credential", error.Setting);
        Assert.Contains("tls_client_auth", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Posts);
    }

    [Fact]
    public async Task An_assertion_for_a_server_found_by_its_issuer_has_the_issuer_as_audience_and_the_rfc7523bis_type()
    {
        StubMetadata(OAuthMetadataPath, Issuer);
        using var certificate = TestCertificates.Rsa();

        await Client(new CertificateCredential(certificate)).GetTokenAsync(new TokenRequestParameters("read"));

        var assertion = new JsonWebToken(_mock.Requests.Single(r => r.Method == "POST").ReadForm()["client_assertion"]);
        Assert.Equal(Issuer, assertion.GetClaim("aud").Value);
        Assert.Equal("client-authentication+jwt", assertion.Typ);
        Assert.Equal("RS256", assertion.Alg);
    }

    [Fact]
    public async Task The_token_endpoint_stays_the_audience_when_asked_and_for_an_explicit_endpoint()
    {
        StubMetadata(OAuthMetadataPath, Issuer);
        using var certificate = TestCertificates.Rsa();
        var tokenEndpoint = _mock.Url("tenant-a/token");

        await Client(new CertificateCredential(certificate, new CertificateCredentialOptions { Audience = ClientAssertionAudience.TokenEndpoint })).GetTokenAsync(new TokenRequestParameters("read"));
        await Client(new CertificateCredential(certificate), TokenAuthority.TokenEndpoint(tokenEndpoint)).GetTokenAsync(new TokenRequestParameters("read"));

        foreach (var post in _mock.Requests.Where(r => r.Method == "POST"))
        {
            var assertion = new JsonWebToken(post.ReadForm()["client_assertion"]);
            Assert.Equal(tokenEndpoint.AbsoluteUri, assertion.GetClaim("aud").Value);
            Assert.Equal("JWT", assertion.Typ);
        }
    }

    [Fact]
    public void The_issuer_audience_is_refused_for_entra_and_for_an_authority_without_an_issuer()
    {
        using var certificate = TestCertificates.Rsa();
        var options = new CertificateCredentialOptions { Audience = ClientAssertionAudience.Issuer };

        var entra = Assert.Throws<ClientCredentialsConfigurationException>(() => Client(new CertificateCredential(certificate, options), TokenAuthority.Entra(TestIds.TenantId)));
        var endpoint = Assert.Throws<ClientCredentialsConfigurationException>(() => Client(new CertificateCredential(certificate, options), TokenAuthority.TokenEndpoint(new Uri("https://as.example/token"))));

        Assert.Equal("AssertionAudience", entra.Setting);
        Assert.Equal("AssertionAudience", endpoint.Setting);
        Assert.StartsWith("AssertionAudience is Issuer, but the authority (Entra ", entra.Message, StringComparison.Ordinal);
        Assert.Contains("has no issuer this client knows: use TokenAuthority.OAuthIssuer or OidcIssuer", entra.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_explicit_issuer_audience_is_accepted_for_a_server_found_by_its_issuer()
    {
        StubMetadata(OAuthMetadataPath, Issuer);
        using var certificate = TestCertificates.Rsa();

        await Client(new CertificateCredential(certificate, new CertificateCredentialOptions { Audience = ClientAssertionAudience.Issuer })).GetTokenAsync(new TokenRequestParameters("read"));

        var assertion = new JsonWebToken(_mock.Requests.Single(r => r.Method == "POST").ReadForm()["client_assertion"]);
        Assert.Equal(Issuer, assertion.GetClaim("aud").Value);
        Assert.Equal("client-authentication+jwt", assertion.Typ);
    }

    [Fact]
    public async Task An_entra_issuer_found_by_its_metadata_keeps_the_token_endpoint_as_the_automatic_audience()
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["cloud_instance_name"] = "microsoftonline.com");
        using var certificate = TestCertificates.Rsa();

        await Client(new CertificateCredential(certificate)).GetTokenAsync(new TokenRequestParameters("read"));

        var assertion = new JsonWebToken(_mock.Requests.Single(r => r.Method == "POST").ReadForm()["client_assertion"]);
        Assert.Equal(_mock.Url("tenant-a/token").AbsoluteUri, assertion.GetClaim("aud").Value);
        Assert.Equal("JWT", assertion.Typ);
    }

    [Fact]
    public async Task An_assertion_callback_is_told_the_issuer_of_a_server_found_by_its_issuer()
    {
        StubMetadata(OAuthMetadataPath, Issuer);
        var contexts = new List<ClientAssertionContext>();

        await Client(Recording(contexts)).GetTokenAsync(new TokenRequestParameters("read"));

        Assert.Equal(Issuer, Assert.Single(contexts).Issuer);
    }

    [Fact]
    public async Task An_assertion_callback_is_told_no_issuer_for_a_server_that_requires_the_token_endpoint_audience()
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["cloud_instance_name"] = "microsoftonline.com");
        var contexts = new List<ClientAssertionContext>();

        await Client(Recording(contexts)).GetTokenAsync(new TokenRequestParameters("read"));

        var context = Assert.Single(contexts);
        Assert.Null(context.Issuer);
        Assert.Equal(_mock.Url("tenant-a/token"), context.TokenEndpoint);
    }

    private static ClientAssertionCredential Recording(List<ClientAssertionContext> contexts) => new((context, _) =>
    {
        contexts.Add(context);
        return ValueTask.FromResult("header.payload.signature");
    });

    [Fact]
    public async Task A_server_that_lists_no_authentication_method_is_refused_saying_what_to_configure()
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["token_endpoint_auth_methods_supported"] = new JsonArray());

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(new ClientSecretCredential("pw")).GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("Credential", error.Setting);
        Assert.Contains("its token_endpoint_auth_methods_supported lists no method. Configure a credential for one of those (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("private_key_jwt: CertificateCredential; tls_client_auth/self_signed_tls_client_auth: TlsClientCertificateCredential). Nothing was sent.", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Posts);
    }

    [Fact]
    public async Task A_secret_credential_posts_to_the_token_endpoint_not_to_the_mtls_alias()
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["mtls_endpoint_aliases"] = new JsonObject { ["token_endpoint"] = "https://127.0.0.1:9/tenant-a/mtls/token" });

        var token = await Client(new ClientSecretCredential("pw")).GetTokenAsync(new TokenRequestParameters("read"));

        Assert.Equal("t", token.Token);
        Assert.Equal("/tenant-a/token", _mock.Requests.Single(r => r.Method == "POST").AbsoluteUrl.AbsolutePath);
    }

    [Fact]
    public async Task The_first_algorithm_the_server_lists_that_the_key_can_do_is_used_and_an_unlisted_explicit_one_is_refused()
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["token_endpoint_auth_signing_alg_values_supported"] = new JsonArray("ES384", "PS256"));
        using var certificate = TestCertificates.Rsa();

        await Client(new CertificateCredential(certificate)).GetTokenAsync(new TokenRequestParameters("read"));
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(new CertificateCredential(certificate, new CertificateCredentialOptions { Algorithm = ClientAssertionAlgorithm.RS256 })).GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("PS256", new JsonWebToken(_mock.Requests.Single(r => r.Method == "POST").ReadForm()["client_assertion"]).Alg);
        Assert.Equal("Algorithm", error.Setting);
        Assert.Contains("ES384, PS256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ec_key_with_rs256_is_refused_when_the_client_is_created()
    {
        using var certificate = TestCertificates.EcP256();

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Client(new CertificateCredential(certificate, new CertificateCredentialOptions { Algorithm = ClientAssertionAlgorithm.RS256 })));

        Assert.Equal("Algorithm", error.Setting);
        Assert.Contains("EC key; RS256 needs an RSA key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_secret_jwt_signs_hs256_with_the_secret()
    {
        StubMetadata(OAuthMetadataPath, Issuer);
        const string secret = "a-client-secret-of-at-least-32-bytes!";

        await Client(new ClientSecretJwtCredential(secret)).GetTokenAsync(new TokenRequestParameters("read"));

        var form = _mock.Requests.Single(r => r.Method == "POST").ReadForm();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(form["client_assertion"], new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            IssuerSigningKey = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(secret)),
            ValidAudience = Issuer,
            ValidIssuer = "svc",
            ValidTypes = ["client-authentication+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("HS256", ((JsonWebToken)result.SecurityToken).Alg);
        Assert.Empty(form.GetValues("client_secret"));
    }

    [Fact]
    public void Client_secret_jwt_refuses_a_secret_shorter_than_the_hash()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientSecretJwtCredential("short-secret"));

        Assert.Equal("ClientSecret", error.Setting);
        Assert.Contains("RFC 7518 §3.2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_metadata_request_asks_for_json()
    {
        StubMetadata(OAuthMetadataPath, Issuer);

        await MetadataAsync();

        Assert.Equal("application/json", _mock.Requests.Single(r => r.Method == "GET").GetHeader("Accept"));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(302)]
    [InlineData(399)]
    public async Task A_redirect_status_is_an_invalid_discovery_document_saying_redirects_are_not_followed(int status)
    {
        var document = new JsonObject { ["issuer"] = Issuer, ["token_endpoint"] = _mock.Url("tenant-a/token").AbsoluteUri };
        _mock.Stub(WireMockResponses.Get(OAuthMetadataPath), WireMockResponses.Json(status, document));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => MetadataAsync());

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("invalid_discovery_document", error.Error);
        Assert.Equal($"GET {OAuthMetadataUrl} answered HTTP {status}, a redirect; redirects are not followed. Configure the issuer exactly as its metadata names it.", error.ErrorDescription);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(500)]
    public async Task An_error_status_is_an_invalid_discovery_document_asking_to_check_the_issuer(int status)
    {
        _mock.Stub(WireMockResponses.Get(OAuthMetadataPath), WireMockResponses.Json(status, new JsonObject { ["error"] = "nope" }));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => MetadataAsync());

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("invalid_discovery_document", error.Error);
        Assert.Equal($"GET {OAuthMetadataUrl} answered HTTP {status}; check the issuer URL.", error.ErrorDescription);
    }

    [Fact]
    public async Task Metadata_from_a_redirect_the_http_client_followed_is_not_used_and_no_credential_is_said_to_be_exposed()
    {
        const string movedPath = "/moved/oauth-authorization-server";
        _mock.Stub(WireMockResponses.Get(OAuthMetadataPath), WireMockResponses.Text(302, string.Empty, headers: new Dictionary<string, string> { ["Location"] = _mock.Url(movedPath).AbsoluteUri }));
        StubMetadata(movedPath, Issuer);

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => MetadataAsync(handler: new SocketsHttpHandler { AllowAutoRedirect = true }));

        Assert.Equal("HttpClient", error.Setting);
        Assert.Contains($"followed a redirect from {OAuthMetadataUrl} to {_mock.Url(movedPath).AbsoluteUri}; its answer was not used.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("exposed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rotate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_that_is_not_json_is_refused_naming_the_issuer_setting()
    {
        _mock.Stub(WireMockResponses.Get(OAuthMetadataPath), WireMockResponses.Text(200, "<html>Sign in</html>", "text/html"));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => MetadataAsync());

        Assert.Equal("Issuer", error.Setting);
        Assert.StartsWith($"The metadata at {OAuthMetadataUrl} is not valid JSON of the expected shape (", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tenant-a/token")]
    public async Task A_document_without_an_absolute_token_endpoint_is_refused_naming_the_issuer_setting(string? tokenEndpoint)
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["token_endpoint"] = tokenEndpoint);

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => MetadataAsync());

        Assert.Equal("Issuer", error.Setting);
        Assert.Equal($"The metadata at {OAuthMetadataUrl} has no valid token_endpoint.", error.Message);
    }

    [Theory]
    [InlineData("token_endpoint_auth_methods_supported")]
    [InlineData("token_endpoint_auth_signing_alg_values_supported")]
    [InlineData("dpop_signing_alg_values_supported")]
    public async Task An_empty_entry_in_a_list_is_refused_naming_the_list(string member)
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d[member] = new JsonArray("ES256", string.Empty));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => MetadataAsync());

        Assert.Equal("Issuer", error.Setting);
        Assert.Equal($"The metadata at {OAuthMetadataUrl} has an empty entry in {member}.", error.Message);
    }

    [Theory]
    [InlineData("tenant-a", true, true)]
    [InlineData("adfs", false, true)]
    [InlineData("tenant-a", false, false)]
    public async Task Only_entra_and_adfs_metadata_keep_the_token_endpoint_as_the_assertion_audience(string issuerPath, bool cloudInstanceName, bool tokenEndpointAudience)
    {
        var issuer = _mock.Url(issuerPath).AbsoluteUri;
        StubMetadata($"/.well-known/oauth-authorization-server/{issuerPath}", issuer, d =>
        {
            if (cloudInstanceName)
            {
                d["cloud_instance_name"] = "microsoftonline.com";
            }
        });

        var metadata = await MetadataAsync(issuerPath);

        Assert.Equal(tokenEndpointAudience, metadata!.RequiresTokenEndpointAudience);
    }

    [Theory]
    [InlineData("\"tenant-a/mtls/token\"")]
    [InlineData("42")]
    public async Task An_mtls_alias_that_is_not_an_absolute_url_is_refused_naming_the_setting(string alias)
    {
        StubMetadata(OAuthMetadataPath, Issuer, d => d["mtls_endpoint_aliases"] = new JsonObject { ["token_endpoint"] = JsonNode.Parse(alias) });

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => MetadataAsync());

        Assert.Equal("mtls_endpoint_aliases", error.Setting);
        Assert.Equal($"The metadata at {OAuthMetadataUrl} has an mtls_endpoint_aliases token_endpoint that is not an absolute URL; the server's metadata must be fixed before mutual TLS can be used.", error.Message);
    }
}
