namespace ClientCredentials.Protocol.Tests.Protocol;

public class AuthorityTests
{
    private static async Task<Uri> EndpointOf(TokenAuthority authority) => await authority.GetTokenEndpointAsync(new HttpClient(), CancellationToken.None);

    [Theory]
    [InlineData(null, "contoso.onmicrosoft.com", "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")]
    [InlineData(EntraInstance.UsGovernment, "72f988bf-86f1-41af-91ab-2d7cd011db47", "https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token")]
    [InlineData(EntraInstance.China, "contoso.partner.onmschina.cn", "https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/oauth2/v2.0/token")]
    [InlineData("https://login.microsoftonline.com/", "contoso.com", "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token")]
    [InlineData("http://127.0.0.1:5123", "tenant1", "http://127.0.0.1:5123/tenant1/oauth2/v2.0/token")]
    public async Task Entra_token_endpoint_is_instance_tenant_and_v2_path(string? instance, string tenant, string expected)
    {
        Assert.Equal(expected, (await EndpointOf(TokenAuthority.Entra(tenant, instance))).AbsoluteUri);
    }

    [Theory]
    [InlineData("common")]
    [InlineData("Organizations")]
    [InlineData("consumers")]
    public void Entra_refuses_multi_tenant_aliases_before_sending(string tenant)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra(tenant));
        Assert.Equal("Tenant", error.Setting);
        Assert.Contains("tenant id", error.Message);
        Assert.Contains("AADSTS90010", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("contoso.com/oauth2")]
    [InlineData("https://login.microsoftonline.com/contoso")]
    public void Entra_refuses_a_tenant_that_is_not_an_id_or_domain(string tenant)
    {
        Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra(tenant));
    }

    [Theory]
    [InlineData("http://login.microsoftonline.com")]
    [InlineData("https://login.microsoftonline.com/contoso")]
    [InlineData("ftp://login.microsoftonline.com")]
    [InlineData("not a host")]
    public void Entra_refuses_a_bad_instance(string instance)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra("contoso.com", instance));
        Assert.Equal("Instance", error.Setting);
    }

    [Fact]
    public void Entra_cache_identity_folds_public_cloud_aliases_and_case()
    {
        var a = TokenAuthority.Entra("Contoso.com", "login.windows.net");
        var b = TokenAuthority.Entra("contoso.com", "LOGIN.MICROSOFTONLINE.COM");
        Assert.Equal(a.CacheIdentity, b.CacheIdentity);
        Assert.NotEqual(a.CacheIdentity, TokenAuthority.Entra("contoso.com", EntraInstance.UsGovernment).CacheIdentity);
    }

    [Theory]
    [InlineData("https://sts.contoso.com/adfs", "https://sts.contoso.com/adfs/oauth2/token")]
    [InlineData("https://sts.contoso.com/adfs/", "https://sts.contoso.com/adfs/oauth2/token")]
    public async Task Adfs_token_endpoint_is_authority_plus_oauth2_token(string authority, string expected)
    {
        var adfs = TokenAuthority.Adfs(new Uri(authority));
        Assert.Equal(AuthorityKind.Adfs, adfs.Kind);
        Assert.Equal(expected, (await EndpointOf(adfs)).AbsoluteUri);
    }

    [Fact]
    public void Adfs_authority_must_end_in_adfs()
    {
        Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Adfs(new Uri("https://sts.contoso.com/oauth2")));
    }

    [Theory]
    [InlineData("http://auth.example.com/token")]
    [InlineData("https://auth.example.com/token?x=1")]
    [InlineData("https://auth.example.com/token#f")]
    [InlineData("https://user:pw@auth.example.com/token")]
    public void Token_endpoint_must_be_https_without_query_fragment_or_userinfo(string url)
    {
        Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.TokenEndpoint(new Uri(url)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/token")]
    [InlineData("http://localhost/token")]
    [InlineData("http://[::1]:9000/token")]
    public void Plain_http_is_accepted_for_loopback_only(string url)
    {
        Assert.Equal(AuthorityKind.Generic, TokenAuthority.TokenEndpoint(new Uri(url)).Kind);
    }

    [Fact]
    public void Scopes_compare_case_insensitively_for_entra_and_ordinally_for_generic_servers()
    {
        Assert.True(TokenAuthority.Entra("contoso.com").ScopesAreCaseInsensitive);
        Assert.False(TokenAuthority.TokenEndpoint(new Uri("https://auth.example.com/token")).ScopesAreCaseInsensitive);
    }
}
