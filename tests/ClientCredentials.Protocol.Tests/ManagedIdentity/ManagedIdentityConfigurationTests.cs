namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// Which source a process gets from its environment, and every bad input refused before anything is sent: the
/// credential is only created, never asked for a token, so no request can leave the test.
/// </summary>
public sealed class ManagedIdentityConfigurationTests : IDisposable
{
    private readonly ManagedIdentityTestEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    private ClientCredentialsConfigurationException Refused(ManagedIdentityOptions? options = null)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => _environment.Credential(options));
        Assert.Empty(_environment.Guard.Destinations);
        return error;
    }

    [Fact]
    public void No_variables_means_IMDS_at_its_link_local_address_and_nothing_is_sent_on_creation()
    {
        var credential = _environment.Credential();
        Assert.Equal(ManagedIdentitySource.Imds, credential.Source);
        Assert.Equal(new Uri("http://169.254.169.254/metadata/identity/oauth2/token"), credential.Endpoint);
        Assert.Empty(_environment.Guard.Destinations);
    }

    [Fact]
    public void IDENTITY_ENDPOINT_and_IDENTITY_HEADER_mean_App_Service()
    {
        var credential = _environment.With("IDENTITY_ENDPOINT", "http://localhost:4141/MSI/token").With("IDENTITY_HEADER", "853b9a84").Credential();
        Assert.Equal(ManagedIdentitySource.AppService, credential.Source);
        Assert.Equal(new Uri("http://localhost:4141/MSI/token"), credential.Endpoint);
    }

    [Fact]
    public void A_server_thumbprint_as_well_means_Service_Fabric()
    {
        var credential = _environment.With("IDENTITY_ENDPOINT", "https://10.0.0.4:2377/metadata/identity/oauth2/token").With("IDENTITY_HEADER", "secret")
            .With("IDENTITY_SERVER_THUMBPRINT", new string('A', 40)).Credential();
        Assert.Equal(ManagedIdentitySource.ServiceFabric, credential.Source);
    }

    [Fact]
    public void MSI_ENDPOINT_means_Cloud_Shell()
    {
        var credential = _environment.With("MSI_ENDPOINT", "http://localhost:50342/oauth2/token").Credential();
        Assert.Equal(ManagedIdentitySource.CloudShell, credential.Source);
    }

    [Fact]
    public void IDENTITY_ENDPOINT_with_IMDS_ENDPOINT_means_Azure_Arc()
    {
        var credential = _environment.With("IDENTITY_ENDPOINT", "http://localhost:40342/metadata/identity/oauth2/token").With("IMDS_ENDPOINT", "http://localhost:40342").Credential();
        Assert.Equal(ManagedIdentitySource.AzureArc, credential.Source);
    }

    [Fact]
    public void The_Arc_agent_on_disk_without_variables_means_Azure_Arc_at_its_default_port()
    {
        var credential = new ManagedIdentityCredential(
            new ManagedIdentityOptions { GetEnvironmentVariable = _ => null },
            path => path == ManagedIdentityEnvironment.ArcAgentPath,
            new ArcKeyFilePolicy(_environment.ArcKeyDirectory));
        Assert.Equal(ManagedIdentitySource.AzureArc, credential.Source);
        Assert.Equal(new Uri("http://127.0.0.1:40342/metadata/identity/oauth2/token"), credential.Endpoint);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("localhost:4141/MSI/token")]
    [InlineData("ftp://localhost/MSI/token")]
    [InlineData("http://")]
    public void A_malformed_IDENTITY_ENDPOINT_is_a_configuration_error(string value)
    {
        _environment.With("IDENTITY_ENDPOINT", value).With("IDENTITY_HEADER", "h");
        Assert.Equal("IDENTITY_ENDPOINT", Refused().Setting);
    }

    [Theory]
    [InlineData("http://10.0.0.7:4141/MSI/token")]
    [InlineData("http://example.com/MSI/token")]
    [InlineData("http://169.254.169.254/metadata/identity/oauth2/token")]
    public void A_non_loopback_http_App_Service_endpoint_is_refused_even_IMDSs_address(string value)
    {
        _environment.With("IDENTITY_ENDPOINT", value).With("IDENTITY_HEADER", "h");
        var error = Refused();
        Assert.Equal("IDENTITY_ENDPOINT", error.Setting);
        Assert.Contains("plain http", error.Message);
    }

    [Fact]
    public void An_https_App_Service_endpoint_on_another_host_is_accepted()
    {
        var credential = _environment.With("IDENTITY_ENDPOINT", "https://token.internal.example/MSI/token").With("IDENTITY_HEADER", "h").Credential();
        Assert.Equal("token.internal.example", credential.Endpoint.Host);
    }

    [Theory]
    [InlineData("http://user:pw@localhost:4141/MSI/token", "credentials")]
    [InlineData("http://localhost:4141/MSI/token?api-version=2017-09-01", "query")]
    [InlineData("http://localhost:4141/MSI/token#x", "query")]
    public void Credentials_query_or_fragment_in_IDENTITY_ENDPOINT_are_refused_without_echoing_secrets(string value, string expected)
    {
        _environment.With("IDENTITY_ENDPOINT", value).With("IDENTITY_HEADER", "h");
        var error = Refused();
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("pw", error.Message);
    }

    [Theory]
    [InlineData("MSI_ENDPOINT", "http://192.168.1.5:50342/oauth2/token")]
    [InlineData("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://10.244.0.12:2579")]
    public void A_non_loopback_http_endpoint_from_any_variable_is_refused(string variable, string value)
    {
        _environment.With(variable, value);
        Assert.Equal(variable, Refused().Setting);
    }

    [Fact]
    public void Plain_http_to_IMDSs_own_address_is_accepted_for_IMDS()
    {
        var credential = _environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://169.254.169.254").Credential();
        Assert.Equal(new Uri("http://169.254.169.254/metadata/identity/oauth2/token"), credential.Endpoint);
    }

    [Fact]
    public void An_IMDS_override_with_a_path_of_its_own_is_refused()
    {
        var error = Refused(new ManagedIdentityOptions { ImdsEndpoint = new Uri("http://127.0.0.1:8080/other/path") });
        Assert.Equal("ManagedIdentity:ImdsEndpoint", error.Setting);
    }

    [Fact]
    public void An_IMDS_override_on_another_source_is_refused_rather_than_ignored()
    {
        _environment.With("MSI_ENDPOINT", "http://localhost:50342/oauth2/token");
        var error = Refused(new ManagedIdentityOptions { ImdsEndpoint = new Uri("http://127.0.0.1:8080") });
        Assert.Contains("CloudShell", error.Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("A1B2C3D4E5F60718293A4B5C6D7E8F9012345678FF")]
    [InlineData("ZZB2C3D4E5F60718293A4B5C6D7E8F9012345678")]
    public void A_Service_Fabric_thumbprint_that_is_not_40_hex_digits_is_refused(string thumbprint)
    {
        _environment.With("IDENTITY_ENDPOINT", "https://10.0.0.4:2377/metadata/identity/oauth2/token").With("IDENTITY_HEADER", "s").With("IDENTITY_SERVER_THUMBPRINT", thumbprint);
        Assert.Equal("IDENTITY_SERVER_THUMBPRINT", Refused().Setting);
    }

    [Fact]
    public void A_secret_header_with_a_line_break_is_refused()
    {
        _environment.With("IDENTITY_ENDPOINT", "http://localhost:4141/MSI/token").With("IDENTITY_HEADER", "abc\r\nX-Injected: 1");
        Assert.Equal("IDENTITY_HEADER", Refused().Setting);
    }

    [Fact]
    public void A_forced_source_whose_variables_are_missing_is_refused()
    {
        var error = Refused(new ManagedIdentityOptions { Source = ManagedIdentitySource.AppService });
        Assert.Equal("IDENTITY_ENDPOINT", error.Setting);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("a1b2c3d4000040008000000000000001")]
    [InlineData("{a1b2c3d4-0000-4000-8000-000000000001}")]
    [InlineData("")]
    public void A_client_id_or_object_id_of_the_wrong_shape_is_refused(string value)
    {
        Assert.Equal("ManagedIdentityId", Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityId.FromClientId(value)).Setting);
        Assert.Equal("ManagedIdentityId", Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityId.FromObjectId(value)).Setting);
    }

    [Theory]
    [InlineData("id-app")]
    [InlineData("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app")]
    [InlineData("/subscriptions/5b6c7d8e-0000-4000-8000-000000000003/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1")]
    [InlineData("/subscriptions/5b6c7d8e-0000-4000-8000-000000000003/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app/extra")]
    public void A_resource_id_of_the_wrong_shape_is_refused(string value) =>
        Assert.Equal("ManagedIdentityId", Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityId.FromResourceId(value)).Setting);

    [Fact]
    public void Well_formed_user_assigned_ids_are_accepted_and_normalised()
    {
        Assert.Equal(ManagedIdentityTestEnvironment.UserAssignedClientId, ManagedIdentityId.FromClientId(ManagedIdentityTestEnvironment.UserAssignedClientId.ToUpperInvariant()).Value);
        Assert.Equal(ManagedIdentityIdKind.ResourceId, ManagedIdentityId.FromResourceId(ManagedIdentityTestEnvironment.UserAssignedResourceId).Kind);
    }

    [Theory]
    [InlineData("MSI_ENDPOINT", "http://localhost:50342/oauth2/token", "Cloud Shell")]
    [InlineData("IDENTITY_ENDPOINT", "http://localhost:40342/metadata/identity/oauth2/token", "Azure Arc")]
    public void Sources_without_user_assigned_identities_refuse_one(string variable, string value, string source)
    {
        _environment.With(variable, value).With("IMDS_ENDPOINT", "http://localhost:40342");
        var error = Refused(new ManagedIdentityOptions { Id = ManagedIdentityId.FromClientId(ManagedIdentityTestEnvironment.UserAssignedClientId) });
        Assert.Equal("ManagedIdentityId", error.Setting);
        Assert.Contains(source, error.Message);
    }

    [Fact]
    public void Resilience_options_are_checked_when_the_credential_is_created()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => _environment.Credential(resilience: new ManagedIdentityResilienceOptions { TotalTimeout = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromSeconds(5) }));
        Assert.Equal("ManagedIdentity:Resilience:TotalTimeout", error.Setting);
    }

    [Fact]
    public void More_than_one_scope_or_an_extra_parameter_is_refused_before_sending()
    {
        var credential = _environment.With("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:9").Credential();
        Assert.Throws<ClientCredentialsConfigurationException>(() => credential.GetTokenAsync(new TokenRequestParameters("https://a/.default", "https://b/.default")));
        Assert.Throws<ClientCredentialsConfigurationException>(() => credential.GetTokenAsync(new TokenRequestParameters("https://a/.default") { ExtraParameters = [new("x", "y")] }));
        Assert.Throws<ClientCredentialsConfigurationException>(() => credential.GetTokenAsync("https://a b/.default"));
        Assert.Empty(_environment.Guard.Destinations);
    }
}
