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
    [InlineData("", "Tenant is required for Entra ID: give the tenant id (a GUID) or a verified domain such as contoso.onmicrosoft.com.")]
    [InlineData("contoso.com/oauth2", "Tenant 'contoso.com/oauth2' is not a tenant id (GUID) or domain name: it contains U+002F. Give only the tenant, not a URL or path.")]
    [InlineData("https://login.microsoftonline.com/contoso", "Tenant 'https://login.microsoftonline.com/contoso' is not a tenant id (GUID) or domain name: it contains U+003A. Give only the tenant, not a URL or path.")]
    [InlineData("-contoso.com", "Tenant '-contoso.com' is not a tenant id (GUID) or domain name: it must start with a letter or digit, must not end with '.' or hold '..', and has at most 253 characters.")]
    public void Entra_refuses_a_tenant_that_is_not_an_id_or_domain_saying_why(string tenant, string message)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra(tenant, null, EntraRegion.None));
        Assert.Equal(("Tenant", message), (error.Setting, error.Message));
    }

    [Theory]
    [InlineData("http://login.microsoftonline.com", "Instance 'http://login.microsoftonline.com/' uses plain http; use https (http is accepted for loopback hosts only, such as a local emulator).")]
    [InlineData("https://login.microsoftonline.com/contoso", "Instance 'https://login.microsoftonline.com/contoso' has a path ('/contoso'); give only the host and put the tenant in Tenant.")]
    [InlineData("ftp://login.microsoftonline.com", "Instance 'ftp://login.microsoftonline.com/' must use https.")]
    [InlineData("not a host", "Instance 'not a host' is not a host name; give a host such as login.microsoftonline.com.")]
    [InlineData("-login.microsoftonline.com", "Instance '-login.microsoftonline.com' is not a host name; give a host such as login.microsoftonline.com.")]
    [InlineData("https://", "Instance 'https://' is not a valid URL; give a host such as login.microsoftonline.com or a URL such as https://login.microsoftonline.com/.")]
    public void Entra_refuses_a_bad_instance_saying_why(string instance, string message)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra("contoso.com", instance, EntraRegion.None));
        Assert.Equal(("Instance", message), (error.Setting, error.Message));
    }

    [Theory]
    [InlineData("login.windows.net")]
    [InlineData("login.microsoft.com")]
    [InlineData("sts.windows.net")]
    [InlineData("https://LOGIN.MICROSOFTONLINE.COM/")]
    public void Entra_cache_identity_folds_each_public_cloud_alias_to_login_microsoftonline_com(string instance) =>
        Assert.Equal("https://login.microsoftonline.com/contoso.com", TokenAuthority.Entra("Contoso.com", instance, EntraRegion.None).CacheIdentity);

    [Fact]
    public void Entra_with_a_null_region_is_refused_pointing_to_EntraRegion_None()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Entra("contoso.com", null, null!));
        Assert.Equal(("Region", "Region is required; use EntraRegion.None for the global endpoint."), (error.Setting, error.Message));
    }

    [Fact]
    public void Only_entra_authorities_serve_another_tenant() =>
        Assert.Equal("Generic authorities have no tenant.", Assert.Throws<InvalidOperationException>(() => TokenAuthority.TokenEndpoint(new Uri("https://auth.example.com/token")).ForTenant("contoso.com")).Message);

    [Fact]
    public void An_authority_reads_as_its_kind_and_cache_identity()
    {
        Assert.Equal("Generic https://auth.example.com/token", TokenAuthority.TokenEndpoint(new Uri("https://auth.example.com/token")).ToString());
        Assert.Equal("Entra https://login.microsoftonline.com/contoso.com", TokenAuthority.Entra("Contoso.com", null, EntraRegion.None).ToString());
        Assert.Equal("Adfs https://sts.contoso.com/adfs/oauth2/token", TokenAuthority.Adfs(new Uri("https://sts.contoso.com/adfs")).ToString());
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
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.Adfs(new Uri("https://sts.contoso.com/oauth2")));
        Assert.Equal(("Authority", "ADFS authority 'https://sts.contoso.com/oauth2' must end in /adfs, for example https://sts.contoso.com/adfs."), (error.Setting, error.Message));
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
    [InlineData("token", "TokenEndpoint must be an absolute URL such as https://login.example.com/....")]
    [InlineData("http://auth.example.com/token", "TokenEndpoint 'http://auth.example.com/token' uses plain http; use https (http is accepted for loopback hosts only, such as a local emulator).")]
    [InlineData("ftp://auth.example.com/token", "TokenEndpoint 'ftp://auth.example.com/token' must use https.")]
    [InlineData("https://auth.example.com/token?x=1", "TokenEndpoint 'https://auth.example.com/token' must not carry a query or fragment (RFC 6749 §3.2 forbids a fragment; parameters belong in the form body).")]
    [InlineData("https://auth.example.com/token#f", "TokenEndpoint 'https://auth.example.com/token' must not carry a query or fragment (RFC 6749 §3.2 forbids a fragment; parameters belong in the form body).")]
    public void A_token_endpoint_that_is_not_an_https_url_without_query_is_refused_saying_why(string url, string message)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.TokenEndpoint(new Uri(url, UriKind.RelativeOrAbsolute)));
        Assert.Equal(("TokenEndpoint", message), (error.Setting, error.Message));
    }

    [Fact]
    public void A_missing_token_endpoint_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenAuthority.TokenEndpoint(null!));
        Assert.Equal(("TokenEndpoint", "TokenEndpoint is required."), (error.Setting, error.Message));
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
