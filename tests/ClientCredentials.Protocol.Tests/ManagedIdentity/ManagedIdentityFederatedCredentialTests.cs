using System.Web;
using ClientCredentials.Protocol.Testing;
using ClientCredentials.Protocol.Tests.Infrastructure;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// A managed identity as a federated credential: the assertion is a managed identity token for the token exchange
/// audience of the authority's cloud (or the one configured), sent as a JWT bearer client assertion. Both endpoints are
/// in-memory handlers; nothing is sent anywhere.
/// </summary>
public sealed class ManagedIdentityFederatedCredentialTests : IDisposable
{
    private readonly ManagedIdentityTestEnvironment _environment = new();
    private readonly List<Uri> _managedIdentityRequests = [];
    private readonly List<(Uri Endpoint, string Form)> _tokenRequests = [];

    public void Dispose() => _environment.Dispose();

    private ManagedIdentityCredential ManagedIdentity() => _environment.Credential(new ManagedIdentityOptions
    {
        ImdsEndpoint = new Uri("http://127.0.0.1:8080"),
        HttpClient = new HttpClient(new ScriptedHttpHandler(request =>
        {
            lock (_managedIdentityRequests)
            {
                _managedIdentityRequests.Add(request.RequestUri!);
            }

            return ScriptedHttpHandler.Json(200, $$"""{"access_token":"mi-assertion-{{_managedIdentityRequests.Count}}","expires_in":"3600"}""");
        })),
    });

    private ClientCredentialsClient Client(ClientCredential credential, TokenAuthority authority) => new(new ClientCredentialsClientOptions
    {
        Authority = authority,
        ClientId = TestIds.FederatedAppId,
        Credential = credential,
        HttpClient = new HttpClient(new ScriptedHttpHandler(request =>
        {
            lock (_tokenRequests)
            {
                _tokenRequests.Add((request.RequestUri!, request.Content!.ReadAsStringAsync().GetAwaiter().GetResult()));
            }

            return ScriptedHttpHandler.Token("app-token");
        })),
    });

    [Theory]
    [InlineData(EntraInstance.Public, "api://AzureADTokenExchange")]
    [InlineData(EntraInstance.UsGovernment, "api://AzureADTokenExchangeUSGov")]
    [InlineData(EntraInstance.China, "api://AzureADTokenExchangeChina")]
    public async Task The_assertion_is_a_managed_identity_token_for_the_exchange_audience_of_the_cloud(string instance, string audience)
    {
        var client = Client(new ManagedIdentityFederatedCredential(ManagedIdentity()), TokenAuthority.Entra(TestIds.TenantId, instance, EntraRegion.None));

        var token = await client.GetTokenAsync(new TokenRequestParameters("https://graph.microsoft.com/.default"));

        Assert.Equal("app-token", token.Token);
        var asked = Assert.Single(_managedIdentityRequests);
        Assert.Equal(audience, HttpUtility.ParseQueryString(asked.Query)["resource"]);
        var (endpoint, form) = Assert.Single(_tokenRequests);
        Assert.Equal($"https://{instance}/{TestIds.TenantId}/oauth2/v2.0/token", endpoint.AbsoluteUri);
        var fields = HttpUtility.ParseQueryString(form);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", fields["client_assertion_type"]);
        Assert.Equal("mi-assertion-1", fields["client_assertion"]);
        Assert.Null(fields["client_secret"]);
    }

    [Fact]
    public async Task A_configured_audience_wins_over_the_clouds()
    {
        var client = Client(new ManagedIdentityFederatedCredential(ManagedIdentity(), "api://contoso-exchange"), TokenAuthority.Entra(TestIds.TenantId, EntraInstance.Public, EntraRegion.None));

        await client.GetTokenAsync(new TokenRequestParameters("https://graph.microsoft.com/.default"));

        Assert.Equal("api://contoso-exchange", HttpUtility.ParseQueryString(Assert.Single(_managedIdentityRequests).Query)["resource"]);
    }

    [Fact]
    public async Task The_managed_identity_token_is_reused_for_later_assertions()
    {
        var credential = new ManagedIdentityFederatedCredential(ManagedIdentity());
        var authority = TokenAuthority.Entra(TestIds.TenantId, EntraInstance.Public, EntraRegion.None);

        await Client(credential, authority).GetTokenAsync(new TokenRequestParameters("https://graph.microsoft.com/.default"));
        await Client(credential, authority).GetTokenAsync(new TokenRequestParameters("https://vault.azure.net/.default"));

        Assert.Single(_managedIdentityRequests);
        Assert.All(_tokenRequests, r => Assert.Equal("mi-assertion-1", HttpUtility.ParseQueryString(r.Form)["client_assertion"]));
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/t/oauth2/v2.0/token", "api://AzureADTokenExchange")]
    [InlineData("https://westus.login.microsoft.com/t/oauth2/v2.0/token", "api://AzureADTokenExchange")]
    [InlineData("https://login.microsoftonline.us/t/oauth2/v2.0/token", "api://AzureADTokenExchangeUSGov")]
    [InlineData("https://LOGIN.USGOVCLOUDAPI.NET/t/oauth2/v2.0/token", "api://AzureADTokenExchangeUSGov")]
    [InlineData("https://usgovvirginia.login.microsoftonline.us/t/oauth2/v2.0/token", "api://AzureADTokenExchangeUSGov")]
    [InlineData("https://evillogin.microsoftonline.us/t/oauth2/v2.0/token", "api://AzureADTokenExchange")]
    [InlineData("https://login.chinacloudapi.cn/t/oauth2/v2.0/token", "api://AzureADTokenExchangeChina")]
    [InlineData("https://login.partner.microsoftonline.cn/t/oauth2/v2.0/token", "api://AzureADTokenExchangeChina")]
    [InlineData("https://chinaeast2.login.chinacloudapi.cn/t/oauth2/v2.0/token", "api://AzureADTokenExchangeChina")]
    [InlineData("https://login.chinacloudapi.cn.example.com/t/oauth2/v2.0/token", "api://AzureADTokenExchange")]
    public void The_exchange_audience_follows_the_token_endpoints_cloud(string tokenEndpoint, string audience)
    {
        Assert.Equal(audience, ManagedIdentityFederatedCredential.AudienceFor(new Uri(tokenEndpoint)));
    }

    [Fact]
    public void A_null_token_endpoint_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => ManagedIdentityFederatedCredential.AudienceFor(null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("api://a b")]
    [InlineData("api://a\u0001")]
    [InlineData("api://AzureADTokenExchange/.default")]
    [InlineData("api://AzureADTokenExchange/.DEFAULT")]
    public void An_audience_that_is_not_one_audience_is_refused(string audience)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ManagedIdentityFederatedCredential(ManagedIdentity(), audience));
        Assert.Equal("TokenExchangeAudience", error.Setting);
        Assert.Equal($"Token exchange audience '{audience}' must be one audience without white space and without '/.default', for example api://AzureADTokenExchange.", error.Message);
    }

    [Fact]
    public void The_managed_identity_is_required()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ManagedIdentityFederatedCredential(managedIdentity: null!));
        Assert.Equal("ManagedIdentity", error.Setting);
        Assert.Equal("The managed identity credential is required.", error.Message);
    }

    [Fact]
    public void Without_an_id_the_system_assigned_identity_is_used()
    {
        // This constructor reads the process's own variables; every source accepts the system-assigned identity, and
        // creating the credential sends nothing.
        Assert.Equal(ManagedIdentityId.SystemAssigned, new ManagedIdentityFederatedCredential().ManagedIdentity.Id);
    }

    [Fact]
    public void The_credential_prints_the_identity_and_audience_and_keys_the_cache_by_both()
    {
        var managedIdentity = ManagedIdentity();
        var byCloud = new ManagedIdentityFederatedCredential(managedIdentity);
        var configured = new ManagedIdentityFederatedCredential(managedIdentity, "api://contoso-exchange");

        Assert.Same(managedIdentity, byCloud.ManagedIdentity);
        Assert.Null(byCloud.Audience);
        Assert.Equal("api://contoso-exchange", configured.Audience);
        Assert.Equal($"federated {managedIdentity} (audience by cloud)", byCloud.ToString());
        Assert.Equal($"federated {managedIdentity} (audience api://contoso-exchange)", configured.ToString());
        Assert.Equal($"managed-identity-federated:{managedIdentity}|", byCloud.CacheIdentity);
        Assert.Equal($"managed-identity-federated:{managedIdentity}|api://contoso-exchange", configured.CacheIdentity);
    }

    [Fact]
    public void Only_Entra_ID_takes_a_managed_identity_assertion()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Client(new ManagedIdentityFederatedCredential(ManagedIdentity()), TokenAuthority.TokenEndpoint(new Uri("https://auth.example.com/token"))));
        Assert.Equal("Credential", error.Setting);
        Assert.Equal("A managed identity federated credential authenticates to Microsoft Entra ID only; use another credential for AD FS or other servers.", error.Message);
    }
}
