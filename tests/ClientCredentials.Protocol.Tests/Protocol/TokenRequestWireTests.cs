using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>What goes on the wire for each credential, checked against what WireMock recorded.</summary>
public sealed class TokenRequestWireTests : IDisposable
{
    private const string ClientId = TestIds.SecretAppId;
    private const string Secret = "s3cr:et+with%odd chars/é";
    private const string GraphScope = "https://graph.microsoft.com/.default";

    private const string Tenant = TestIds.TenantId;
    private const string EntraTokenPath = "/" + Tenant + "/oauth2/v2.0/token";

    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    private Uri EntraTokenUrl => _mock.Url(EntraTokenPath);

    private ClientCredentialsClient EntraClient(ClientCredential credential, HttpClient? http = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(Tenant, _mock.BaseAddress.ToString()),
        ClientId = ClientId,
        Credential = credential,
        Scopes = [GraphScope],
        HttpClient = http,
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private void StubToken(string path, string accessToken = "header.payload.sig") =>
        _mock.Stub(WireMockResponses.Post(path), WireMockResponses.AccessToken(accessToken));

    [Fact]
    public async Task Secret_post_sends_exactly_the_rfc6749_fields_in_order_with_aad_headers()
    {
        StubToken(EntraTokenPath);
        var token = await EntraClient(new ClientSecretCredential(Secret)).GetTokenAsync();

        var request = Assert.Single(_mock.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(EntraTokenUrl.AbsolutePath, request.AbsoluteUrl.AbsolutePath);
        Assert.Equal("application/x-www-form-urlencoded", request.GetHeader("Content-Type"));
        var form = request.ReadForm();
        Assert.Equal(["client_id", "client_secret", "scope", "grant_type"], form.Names);
        Assert.Equal(ClientId, form["client_id"]);
        Assert.Equal(Secret, form["client_secret"]);
        Assert.Equal(GraphScope, form["scope"]);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Null(request.GetHeader("Authorization"));

        Assert.Equal("application/json", request.GetHeader("Accept"));
        Assert.True(Guid.TryParse(request.GetHeader("client-request-id"), out _));
        Assert.Equal(token.CorrelationId, request.GetHeader("client-request-id"));
        Assert.Equal("true", request.GetHeader("return-client-request-id"));
        Assert.Equal("ClientCredentials.Protocol", request.GetHeader("x-client-SKU"));
        Assert.False(string.IsNullOrEmpty(request.GetHeader("x-client-Ver")));
        Assert.Equal("retry-after, h429", request.GetHeader("x-ms-lib-capability"));
        Assert.Contains("%3A", request.Body); // ':' of the secret is form-encoded on the wire
    }

    [Fact]
    public async Task Secret_basic_sends_form_encoded_id_and_secret_in_the_header_and_no_client_id_in_the_body()
    {
        const string awkwardId = "id:with %+~"; // printable ASCII (RFC 6749 A.1) with every character Basic encoding changes
        StubToken(EntraTokenPath);
        await new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(Tenant, _mock.BaseAddress.ToString()),
            ClientId = awkwardId,
            Credential = new ClientSecretCredential(Secret, ClientSecretTransport.BasicAuthentication),
            Scopes = [GraphScope],
        }).GetTokenAsync();

        var request = Assert.Single(_mock.Requests);
        Assert.Equal(["scope", "grant_type"], request.ReadForm().Names);
        var header = request.GetHeader("Authorization")!;
        Assert.StartsWith("Basic ", header);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        Assert.Equal("id%3Awith+%25%2B%7E:s3cr%3Aet%2Bwith%25odd+chars%2F%C3%A9", decoded);
    }

    [Fact]
    public async Task Certificate_assertion_received_by_the_server_validates_and_names_the_exact_endpoint()
    {
        var cert = TestCertificates.SharedRsa2048;
        StubToken(EntraTokenPath);
        var client = EntraClient(new CertificateCredential(cert));
        await client.GetTokenAsync();
        await client.GetTokenAsync(new TokenRequestParameters(GraphScope) { ForceRefresh = true });

        var requests = _mock.Requests;
        Assert.Equal(2, requests.Count);
        var jtis = new List<string>();
        foreach (var request in requests)
        {
            var form = request.ReadForm();
            Assert.Equal(["client_id", "client_assertion_type", "client_assertion", "scope", "grant_type"], form.Names);
            Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);

            var jwt = ClientAssertionValidator.Validate(form["client_assertion"], new ExpectedClientAssertion
            {
                ClientId = ClientId,
                Audience = EntraTokenUrl.AbsoluteUri,
                Certificate = cert,
                Algorithm = "PS256",
                ClockSkew = TimeSpan.FromMinutes(1),
                Lifetime = TimeSpan.FromMinutes(10),
            });
            jtis.Add(jwt.Id);
        }

        Assert.NotEqual(jtis[0], jtis[1]);
    }

    [Fact]
    public async Task Assertion_callback_gets_the_context_for_every_request_and_its_assertion_is_sent()
    {
        var contexts = new List<ClientAssertionContext>();
        var credential = new ClientAssertionCredential((context, _) =>
        {
            contexts.Add(context);
            return ValueTask.FromResult($"signed.assertion.{contexts.Count}");
        });
        StubToken(EntraTokenPath);
        var client = EntraClient(credential);
        await client.GetTokenAsync();
        await client.GetTokenAsync(new TokenRequestParameters(GraphScope) { ForceRefresh = true });

        Assert.Equal(2, contexts.Count);
        Assert.All(contexts, c =>
        {
            Assert.Equal(ClientId, c.ClientId);
            Assert.Equal(EntraTokenUrl, c.TokenEndpoint);
            Assert.Equal(Tenant, c.Tenant);
            Assert.Equal(AuthorityKind.Entra, c.AuthorityKind);
        });
        var sent = (_mock.Requests).Select(r => r.ReadForm()["client_assertion"]).ToList();
        Assert.Equal(["signed.assertion.1", "signed.assertion.2"], sent);
    }

    [Fact]
    public async Task An_empty_assertion_from_the_callback_is_an_error_and_nothing_is_sent()
    {
        StubToken(EntraTokenPath);
        var client = EntraClient(new ClientAssertionCredential((_, _) => ValueTask.FromResult("  ")));
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => client.GetTokenAsync().AsTask());
        Assert.Contains("empty assertion", error.Message);
        Assert.Equal(0, _mock.RequestCount);
    }

    [Fact]
    public async Task Federated_token_file_contents_are_sent_as_the_assertion()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln\n");
            StubToken(EntraTokenPath);
            await EntraClient(new FederatedTokenFileCredential(path)).GetTokenAsync();
            var form = Assert.Single(_mock.Requests).ReadForm();
            Assert.Equal("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln", form["client_assertion"]);
            Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Generic_servers_take_any_scopes_claims_extra_parameters_and_the_callers_correlation_id()
    {
        var tokenUrl = _mock.Url("token");
        StubToken("/token");
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.TokenEndpoint(tokenUrl),
            ClientId = "svc",
            Credential = new ClientSecretCredential("pw"),
        });
        var token = await client.GetTokenAsync(new TokenRequestParameters("read", "write")
        {
            Claims = """{"access_token":{"xms_cc":{"values":["cp1"]}}}""",
            ExtraParameters = [new("resource", "https://api.example.com"), new("audience", "orders")],
            CorrelationId = "corr-from-caller",
        });

        var request = Assert.Single(_mock.Requests);
        var form = request.ReadForm();
        Assert.Equal(["client_id", "client_secret", "scope", "claims", "grant_type", "resource", "audience"], form.Names);
        Assert.Equal("read write", form["scope"]);
        Assert.Equal("https://api.example.com", form["resource"]);
        Assert.Equal("corr-from-caller", request.GetHeader("client-request-id"));
        Assert.Equal("corr-from-caller", token.CorrelationId);
    }

    [Theory]
    [InlineData("grant_type")]
    [InlineData("client_id")]
    [InlineData("scope")]
    [InlineData("client_assertion")]
    public async Task Extra_parameters_may_not_replace_the_librarys_own(string name)
    {
        var error = await RefusedExtraParameterAsync(name);
        Assert.Equal("ExtraParameters", error.Setting);
        Assert.Equal(0, _mock.RequestCount);
    }

    [Theory]
    [InlineData("", "An extra parameter has an empty name.")]
    [InlineData(" Client_Secret", "would stand for 'client_secret', a parameter the library writes itself (grant_type, client_id, client_secret, client_assertion_type, client_assertion, scope, claims; compared ignoring case and surrounding white space); use the dedicated option instead.")]
    [InlineData("resource ", "has white space around its name; remove it.")]
    public async Task A_refused_extra_parameter_name_is_explained_and_nothing_is_sent(string name, string explanation)
    {
        var error = await RefusedExtraParameterAsync(name);

        Assert.Equal("ExtraParameters", error.Setting);
        Assert.EndsWith(explanation, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _mock.RequestCount);
    }

    private Task<ClientCredentialsConfigurationException> RefusedExtraParameterAsync(string name)
    {
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.TokenEndpoint(_mock.Url("token")),
            ClientId = "svc",
            Credential = new ClientSecretCredential("pw"),
        });
        return Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() =>
            client.GetTokenAsync(new TokenRequestParameters("read") { ExtraParameters = [new(name, "x")] }).AsTask());
    }

    [Fact]
    public async Task The_library_version_header_is_the_assemblys_version_without_build_metadata()
    {
        StubToken(EntraTokenPath);
        await EntraClient(new ClientSecretCredential(Secret)).GetTokenAsync();

        var sent = Assert.Single(_mock.Requests).GetHeader("x-client-Ver")!;
        var version = typeof(ClientCredentialsClient).Assembly.GetName().Version!;
        Assert.StartsWith($"{version.Major}.{version.Minor}.{version.Build}", sent, StringComparison.Ordinal);
        Assert.DoesNotContain('+', sent);
    }

    [Fact]
    public async Task Entra_refuses_a_non_default_scope_before_sending()
    {
        var client = EntraClient(new ClientSecretCredential(Secret));
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() =>
            client.GetTokenAsync(new TokenRequestParameters("User.Read")).AsTask());
        Assert.Contains("AADSTS70011", error.Message);
        Assert.Equal(0, _mock.RequestCount);
    }

    [Fact]
    public async Task The_callers_http_client_is_used()
    {
        var counting = new CountingHandler(new SocketsHttpHandler());
        StubToken(EntraTokenPath);
        await EntraClient(new ClientSecretCredential(Secret), new HttpClient(counting)).GetTokenAsync();
        Assert.Equal(1, counting.Count);
    }

    [Fact]
    public async Task Error_responses_carry_every_aad_field_and_never_the_secret()
    {
        var body = JsonNode.Parse("""
            {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Trace ID: 11111111-2222-3333-4444-555555555555 Correlation ID: 66666666-7777-8888-9999-000000000000 Timestamp: 2026-11-22 10:00:00Z","error_codes":[7000215],"timestamp":"2026-11-22 10:00:00Z","trace_id":"11111111-2222-3333-4444-555555555555","correlation_id":"66666666-7777-8888-9999-000000000000","error_uri":"https://login.microsoftonline.com/error?code=7000215"}
            """)!;
        _mock.Stub(WireMockResponses.Post(EntraTokenPath), WireMockResponses.Json(401, body));
        var client = EntraClient(new ClientSecretCredential(Secret));

        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => client.GetTokenAsync().AsTask());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal([7000215], error.ErrorCodes);
        Assert.Equal("11111111-2222-3333-4444-555555555555", error.TraceId);
        Assert.False(error.IsTransient);
        Assert.NotNull(error.Remedy);
        foreach (var text in new[] { error.Message, error.ToString(), client.ToString(), new ClientSecretCredential(Secret).ToString() })
        {
            Assert.DoesNotContain(Secret, text);
            Assert.DoesNotContain("s3cr", text);
        }
    }

    [Fact]
    public async Task Connection_refused_is_a_transient_unreachable_error_with_the_inner_exception()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.TokenEndpoint(new Uri($"http://127.0.0.1:{port}/token")),
            ClientId = "svc",
            Credential = new ClientSecretCredential(Secret),
            Scopes = ["read"],
            Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        });
        var error = await Assert.ThrowsAsync<TokenEndpointUnreachableException>(() => client.GetTokenAsync().AsTask());
        Assert.True(error.IsTransient);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.DoesNotContain(Secret, error.ToString());
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public int Count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
