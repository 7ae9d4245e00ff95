using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.Tenants;

/// <summary>
/// One Entra client serving many tenants through <see cref="TokenRequestParameters.Tenant"/>: each request goes to
/// its tenant on the client's instance, each tenant's token is cached apart, and a bad tenant is refused before
/// anything is sent.
/// </summary>
public sealed class TenantPerRequestTests : IDisposable
{
    private const string GraphScope = "https://graph.microsoft.com/.default";
    private readonly LoopbackWireMock _mock = LoopbackWireMock.Start();

    public void Dispose() => _mock.Dispose();

    private ClientCredentialsClient EntraClient(ClientCredential? credential = null) => new(new ClientCredentialsClientOptions
    {
        Authority = TokenAuthority.Entra(TestIds.TenantId, _mock.BaseAddress.ToString()),
        ClientId = TestIds.SecretAppId,
        Credential = credential ?? new ClientSecretCredential("tenant-test-secret"),
        Scopes = [GraphScope],
        Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
    });

    private void StubTenant(string tenant, string token) =>
        _mock.Stub(WireMockResponses.Post($"/{tenant}/oauth2/v2.0/token"), WireMockResponses.AccessToken(token));

    [Fact]
    public async Task One_client_gets_and_caches_a_token_per_tenant_from_that_tenant_on_its_instance()
    {
        StubTenant(TestIds.TenantId, "own.tenant.token");
        StubTenant(TestIds.OtherTenantId, "other.tenant.token");
        StubTenant(TestIds.UnknownTenantId, "third.tenant.token");
        var client = EntraClient();
        var other = new TokenRequestParameters(GraphScope) { Tenant = TestIds.OtherTenantId };
        var third = new TokenRequestParameters(GraphScope) { Tenant = TestIds.UnknownTenantId.ToUpperInvariant() };

        var ownToken = await client.GetTokenAsync();
        var otherToken = await client.GetTokenAsync(other);
        var thirdToken = await client.GetTokenAsync(third);
        var otherHit = client.GetTokenAsync(other);
        var thirdAgain = await client.GetTokenAsync(new TokenRequestParameters(GraphScope) { Tenant = TestIds.UnknownTenantId });

        Assert.Equal(("own.tenant.token", "other.tenant.token", "third.tenant.token"), (ownToken.Token, otherToken.Token, thirdToken.Token));
        Assert.True(otherHit.IsCompletedSuccessfully, "a second request for a tenant is a cache hit");
        var hit = await otherHit;
        Assert.Equal((TokenSource.Cache, "other.tenant.token"), (hit.Source, hit.Token));
        Assert.Equal("third.tenant.token", thirdAgain.Token);
        Assert.Equal(
            [$"/{TestIds.TenantId}/oauth2/v2.0/token", $"/{TestIds.OtherTenantId}/oauth2/v2.0/token", $"/{TestIds.UnknownTenantId}/oauth2/v2.0/token"],
            _mock.Requests.Select(r => r.AbsoluteUrl.AbsolutePath));
        Assert.All(_mock.Requests, r => Assert.Equal(_mock.BaseAddress.Authority, r.AbsoluteUrl.Authority));
    }

    [Fact]
    public async Task The_authority_tenant_given_per_request_shares_the_default_token()
    {
        StubTenant(TestIds.TenantId, "own.tenant.token");
        var client = EntraClient();

        await client.GetTokenAsync();
        var same = client.GetTokenAsync(new TokenRequestParameters(GraphScope) { Tenant = TestIds.TenantId.ToUpperInvariant() });

        Assert.True(same.IsCompletedSuccessfully);
        Assert.Equal(1, _mock.RequestCount);
    }

    [Fact]
    public async Task The_own_tenant_is_requested_as_the_authority_spells_it()
    {
        var tenant = TestIds.TenantDomain.ToUpperInvariant();
        StubTenant(tenant, "own.tenant.token");
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra(tenant, _mock.BaseAddress.ToString(), EntraRegion.None),
            ClientId = TestIds.SecretAppId,
            Credential = new ClientSecretCredential("tenant-test-secret"),
            Scopes = [GraphScope],
            Resilience = new TokenRequestResilienceOptions { MaxRetries = 0 },
        });

        await client.GetTokenAsync();
        await client.GetTokenAsync(new TokenRequestParameters("https://vault.azure.net/.default") { Tenant = TestIds.TenantDomain });

        Assert.Equal([$"/{tenant}/oauth2/v2.0/token", $"/{tenant}/oauth2/v2.0/token"], _mock.Requests.Select(r => r.AbsoluteUrl.AbsolutePath));
    }

    [Fact]
    public async Task Invalidating_one_tenant_leaves_the_others_cached()
    {
        StubTenant(TestIds.TenantId, "own.tenant.token");
        StubTenant(TestIds.OtherTenantId, "other.tenant.token");
        var client = EntraClient();
        var other = new TokenRequestParameters(GraphScope) { Tenant = TestIds.OtherTenantId };
        var otherToken = await client.GetTokenAsync(other);
        await client.GetTokenAsync();

        Assert.False(client.InvalidateToken(otherToken), "the default key holds the own tenant's token, not the other one");
        Assert.True(client.InvalidateToken(other, otherToken));

        Assert.True(client.GetTokenAsync().IsCompletedSuccessfully, "the own tenant's token stays cached");
        await client.GetTokenAsync(other);
        Assert.Equal(3, _mock.RequestCount);
    }

    [Fact]
    public async Task A_certificate_assertion_for_another_tenant_names_that_tenants_token_endpoint_as_audience()
    {
        StubTenant(TestIds.OtherTenantId, "other.tenant.token");
        var client = EntraClient(new CertificateCredential(TestCertificates.SharedRsa2048));

        await client.GetTokenAsync(new TokenRequestParameters(GraphScope) { Tenant = TestIds.OtherTenantId });

        var assertion = Assert.Single(_mock.Requests).ReadForm()["client_assertion"]!;
        ClientAssertionValidator.Validate(assertion, new ExpectedClientAssertion
        {
            ClientId = TestIds.SecretAppId,
            Audience = _mock.Url($"/{TestIds.OtherTenantId}/oauth2/v2.0/token").AbsoluteUri,
            Certificate = TestCertificates.SharedRsa2048,
            Algorithm = "PS256",
        });
    }

    [Fact]
    public async Task An_assertion_callback_is_told_the_tenant_of_the_request()
    {
        StubTenant(TestIds.OtherTenantId, "other.tenant.token");
        ClientAssertionContext? seen = null;
        var client = EntraClient(new ClientAssertionCredential((context, _) =>
        {
            seen = context;
            return ValueTask.FromResult("header.payload.signature");
        }));

        await client.GetTokenAsync(new TokenRequestParameters(GraphScope) { Tenant = TestIds.OtherTenantId });

        Assert.Equal(TestIds.OtherTenantId, seen?.Tenant);
        Assert.Equal($"/{TestIds.OtherTenantId}/oauth2/v2.0/token", seen?.TokenEndpoint.AbsolutePath);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("https://login.microsoftonline.com/contoso.onmicrosoft.com")]
    [InlineData("contoso.onmicrosoft.com/oauth2")]
    [InlineData("contoso?x=1")]
    [InlineData("contoso#frag")]
    [InlineData("contoso%2Fx")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("contoso..com")]
    [InlineData("contosö.onmicrosoft.com")]
    [InlineData("common")]
    [InlineData("Organizations")]
    [InlineData("consumers")]
    public async Task A_bad_tenant_is_a_configuration_error_naming_Tenant_before_anything_is_sent(string tenant)
    {
        var client = EntraClient();

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () =>
            await client.GetTokenAsync(new TokenRequestParameters(GraphScope) { Tenant = tenant }));

        Assert.Equal("Tenant", error.Setting);
        Assert.Equal(0, _mock.RequestCount);
    }

    public static TheoryData<string> NonEntraAuthorities => ["adfs", "oidc", "endpoint"];

    [Theory]
    [MemberData(nameof(NonEntraAuthorities))]
    public async Task A_tenant_for_an_authority_without_tenants_is_refused_naming_Tenant(string kind)
    {
        var authority = kind switch
        {
            "adfs" => TokenAuthority.Adfs(_mock.Url("/adfs")),
            "oidc" => TokenAuthority.OidcIssuer(_mock.Url("/issuer")),
            _ => TokenAuthority.TokenEndpoint(_mock.Url("/oauth2/token")),
        };
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = authority,
            ClientId = TestIds.SecretAppId,
            Credential = new ClientSecretCredential("tenant-test-secret"),
        });

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () =>
            await client.GetTokenAsync(new TokenRequestParameters("api://orders/.default") { Tenant = TestIds.OtherTenantId }));

        Assert.Equal("Tenant", error.Setting);
        Assert.Equal(0, _mock.RequestCount);
    }
}
