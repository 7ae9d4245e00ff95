using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// <c>client_secret_jwt</c> (RFC 7523 §2.2): what is refused when the credential is created or the client validates it
/// (an empty or short secret, an out-of-range lifetime or audience, an authority that does not take it), what is refused
/// before sending (a server that does not list HS256), and the form fields and assertion a request carries.
/// </summary>
public sealed class ClientSecretJwtCredentialTests : IDisposable
{
    /// <summary>Exactly 32 UTF-8 bytes: the shortest secret HS256 accepts (RFC 7518 §3.2).</summary>
    private const string Secret = "0123456789abcdef0123456789abcdef";

    private const string OAuthMetadataPath = "/.well-known/oauth-authorization-server/tenant-a";

    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    private string Issuer => _mock.Url("tenant-a").AbsoluteUri;

    private int Posts => _mock.Requests.Count(r => r.Method == "POST");

    private void StubMetadata(Action<JsonObject>? more = null)
    {
        var document = new JsonObject { ["issuer"] = Issuer, ["token_endpoint"] = _mock.Url("tenant-a/token").AbsoluteUri };
        more?.Invoke(document);
        _mock.Stub(WireMockResponses.Get(OAuthMetadataPath), WireMockResponses.Json(200, document));
        _mock.Stub(WireMockResponses.Post("/tenant-a/token"), WireMockResponses.AccessToken("t"));
    }

    private ClientCredentialsClient Client(ClientCredential credential) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.OAuthIssuer(new Uri(Issuer)),
        ClientId = "svc",
        Credential = credential,
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private FormUrlEncodedBody SentForm() => _mock.Requests.Single(r => r.Method == "POST").ReadForm();

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void An_empty_secret_is_refused_naming_the_setting(string? secret)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientSecretJwtCredential(secret!));

        Assert.Equal("ClientSecret", error.Setting);
        Assert.Contains("client secret is empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("client_secret_jwt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_of_exactly_32_bytes_is_accepted_and_one_byte_less_is_refused_with_its_length()
    {
        var credential = new ClientSecretJwtCredential(Secret);
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientSecretJwtCredential(Secret[1..]));

        Assert.Equal(ClientAuthenticationMethods.ClientSecretJwt, credential.AuthenticationMethod);
        Assert.Equal("ClientSecret", error.Setting);
        Assert.Contains("has 31 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3601)]
    public void A_lifetime_of_zero_or_more_than_an_hour_is_refused_with_the_value(int seconds)
    {
        var lifetime = TimeSpan.FromSeconds(seconds);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientSecretJwtCredential(Secret, new ClientSecretJwtCredentialOptions { AssertionLifetime = lifetime }));

        Assert.Equal("AssertionLifetime", error.Setting);
        Assert.Contains("more than zero and at most 1 hour", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {lifetime}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lifetime_of_exactly_one_hour_is_accepted()
    {
        var options = new ClientSecretJwtCredentialOptions { AssertionLifetime = TimeSpan.FromHours(1) };

        Assert.Same(options, new ClientSecretJwtCredential(Secret, options).Options);
    }

    [Fact]
    public void An_unknown_audience_is_refused_with_its_number()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientSecretJwtCredential(Secret, new ClientSecretJwtCredentialOptions { Audience = (ClientAssertionAudience)99 }));

        Assert.Equal("AssertionAudience", error.Setting);
        Assert.Contains("Unknown assertion audience 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entra_does_not_accept_it_and_says_what_to_use_instead()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ClientSecretJwtCredential(Secret).Validate(TokenAuthority.Entra(TestIds.TenantId)));

        Assert.Equal("Credential", error.Setting);
        Assert.Contains("does not accept client_secret_jwt", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClientSecretCredential", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_issuer_audience_is_refused_for_an_authority_without_an_issuer()
    {
        var credential = new ClientSecretJwtCredential(Secret, new ClientSecretJwtCredentialOptions { Audience = ClientAssertionAudience.Issuer });

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => credential.Validate(TokenAuthority.TokenEndpoint(new Uri("https://as.example/token"))));

        Assert.Equal("AssertionAudience", error.Setting);
    }

    [Fact]
    public async Task A_server_that_does_not_list_hs256_is_refused_before_sending_naming_what_it_lists()
    {
        StubMetadata(d => d["token_endpoint_auth_signing_alg_values_supported"] = new JsonArray("RS256", "PS256"));

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => Client(new ClientSecretJwtCredential(Secret)).GetTokenAsync(new TokenRequestParameters("read")).AsTask());

        Assert.Equal("Credential", error.Setting);
        Assert.Contains("does not list HS256", error.Message, StringComparison.Ordinal);
        Assert.Contains("(RS256, PS256)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Posts);
    }

    [Fact]
    public async Task A_server_that_lists_hs256_among_others_gets_an_hs256_assertion()
    {
        StubMetadata(d => d["token_endpoint_auth_signing_alg_values_supported"] = new JsonArray("RS256", "HS256"));

        await Client(new ClientSecretJwtCredential(Secret)).GetTokenAsync(new TokenRequestParameters("read"));

        Assert.Equal("HS256", new JsonWebToken(SentForm()["client_assertion"]).Alg);
    }

    [Fact]
    public async Task The_request_names_the_jwt_bearer_assertion_type()
    {
        StubMetadata();

        await Client(new ClientSecretJwtCredential(Secret)).GetTokenAsync(new TokenRequestParameters("read"));

        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", SentForm()["client_assertion_type"]);
    }

    [Fact]
    public async Task The_assertion_lasts_the_configured_lifetime()
    {
        StubMetadata();
        var credential = new ClientSecretJwtCredential(Secret, new ClientSecretJwtCredentialOptions { AssertionLifetime = TimeSpan.FromMinutes(10) });

        await Client(credential).GetTokenAsync(new TokenRequestParameters("read"));

        var assertion = new JsonWebToken(SentForm()["client_assertion"]);
        Assert.Equal(TimeSpan.FromMinutes(10), assertion.ValidTo - assertion.IssuedAt);
    }

    [Fact]
    public void It_shows_its_method_and_never_the_secret()
    {
        var shown = new ClientSecretJwtCredential(Secret).ToString();

        Assert.Equal("client secret (client_secret_jwt, HS256)", shown);
    }
}
