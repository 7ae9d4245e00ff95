using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>What each source puts on the wire, against a loopback server standing in for it through the variables the host sets.</summary>
public sealed class ManagedIdentityWireTests : IAsyncLifetime, IDisposable
{
    private const string Scope = "https://management.azure.com/.default";
    private readonly ManagedIdentityTestEnvironment _environment = new();
    private ReplayEndpoint _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ReplayEndpoint.StartAsync();
        _server.Play(ManagedIdentityTestEnvironment.Success("wire"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _environment.Dispose();

    private string Url(string path) => new Uri(_server.BaseAddress, path).AbsoluteUri;

    private async Task<ReceivedRequest> OneRequestAsync(ManagedIdentityCredential credential, string scope = Scope)
    {
        await credential.GetTokenAsync(scope);
        return Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task IMDS_is_a_GET_with_api_version_2018_02_01_the_resource_and_Metadata_true()
    {
        var request = await OneRequestAsync(_environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", _server.BaseAddress.AbsoluteUri).Credential());
        Assert.Equal("GET", request.Method);
        Assert.Equal("/metadata/identity/oauth2/token", request.Path);
        Assert.Equal("2018-02-01", request.Query["api-version"]);
        Assert.Equal("https://management.azure.com", request.Query["resource"]);
        Assert.Equal("true", request.Header("Metadata"));
        Assert.True(Guid.TryParse(request.Header("x-ms-client-request-id"), out _));
        Assert.Equal(2, request.Query.Count);
    }

    [Theory]
    [InlineData("client", "client_id", ManagedIdentityTestEnvironment.UserAssignedClientId)]
    [InlineData("object", "object_id", ManagedIdentityTestEnvironment.UserAssignedObjectId)]
    [InlineData("resource", "msi_res_id", ManagedIdentityTestEnvironment.UserAssignedResourceId)]
    public async Task IMDS_names_a_user_assigned_identity_by_client_id_object_id_or_msi_res_id(string kind, string parameter, string value)
    {
        var request = await OneRequestAsync(_environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", _server.BaseAddress.AbsoluteUri)
            .Credential(new ManagedIdentityOptions { Id = Id(kind, value) }));
        Assert.Equal(value, request.Query[parameter]);
    }

    [Theory]
    [InlineData("client", "client_id", ManagedIdentityTestEnvironment.UserAssignedClientId)]
    [InlineData("object", "principal_id", ManagedIdentityTestEnvironment.UserAssignedObjectId)]
    [InlineData("resource", "mi_res_id", ManagedIdentityTestEnvironment.UserAssignedResourceId)]
    public async Task App_Service_uses_api_version_2019_08_01_the_identity_header_and_its_own_id_parameters(string kind, string parameter, string value)
    {
        var request = await OneRequestAsync(_environment.With("IDENTITY_ENDPOINT", Url("MSI/token")).With("IDENTITY_HEADER", "853b9a84-5bfa-4b22-a3f3-0b9a43d9ad8a")
            .Credential(new ManagedIdentityOptions { Id = Id(kind, value) }));
        Assert.Equal("GET", request.Method);
        Assert.Equal("/MSI/token", request.Path);
        Assert.Equal("2019-08-01", request.Query["api-version"]);
        Assert.Equal("https://management.azure.com", request.Query["resource"]);
        Assert.Equal("853b9a84-5bfa-4b22-a3f3-0b9a43d9ad8a", request.Header("X-IDENTITY-HEADER"));
        Assert.Equal(value, request.Query[parameter]);
        Assert.Null(request.Header("Metadata"));
    }

    [Fact]
    public async Task Cloud_Shell_posts_the_resource_as_a_form_with_Metadata_true()
    {
        var request = await OneRequestAsync(_environment.With("MSI_ENDPOINT", Url("oauth2/token")).Credential());
        Assert.Equal("POST", request.Method);
        Assert.Equal("/oauth2/token", request.Path);
        Assert.Equal("resource=https%3A%2F%2Fmanagement.azure.com", request.Body);
        Assert.Equal("application/x-www-form-urlencoded", request.Header("Content-Type"));
        Assert.Equal("true", request.Header("Metadata"));
        Assert.Empty(request.Query);
    }

    [Theory]
    [InlineData("https://management.azure.com/.default", "https://management.azure.com")]
    [InlineData("https://management.azure.com", "https://management.azure.com")]
    [InlineData("https://database.windows.net//.default", "https://database.windows.net/")]
    [InlineData("api://AzureADTokenExchange/.default", "api://AzureADTokenExchange")]
    public async Task A_scope_becomes_the_v1_resource_the_endpoints_take(string scope, string resource)
    {
        var request = await OneRequestAsync(_environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", _server.BaseAddress.AbsoluteUri).Credential(), scope);
        Assert.Equal(resource, request.Query["resource"]);
    }

    [Fact]
    public async Task The_token_reports_the_scope_and_keeps_the_fields_it_does_not_interpret()
    {
        var token = await _environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", _server.BaseAddress.AbsoluteUri).Credential().GetTokenAsync("https://management.azure.com");
        Assert.Equal(["https://management.azure.com/.default"], token.Scopes);
        Assert.Equal("\"https://management.azure.com/\"", token.AdditionalFields["resource"]);
        Assert.Equal(TokenSource.IdentityProvider, token.Source);
        Assert.DoesNotContain(token.Token, token.ToString());
    }

    private static ManagedIdentityId Id(string kind, string value) => kind switch
    {
        "client" => ManagedIdentityId.FromClientId(value),
        "object" => ManagedIdentityId.FromObjectId(value),
        _ => ManagedIdentityId.FromResourceId(value),
    };
}
