namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// The checks a managed identity endpoint URL, a scope and the source detection make before anything is sent, with the
/// exact message each refusal gives (it names the setting and what to set instead).
/// </summary>
public sealed class ManagedIdentityAddressAndScopeTests
{
    private static ClientCredentialsConfigurationException RefusedUrl(string? text, ManagedIdentitySource source = ManagedIdentitySource.AppService) =>
        Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityEndpointAddress.Parse(text, "IDENTITY_ENDPOINT", source));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_endpoint_names_the_setting_and_the_source(string? text)
    {
        var error = RefusedUrl(text);
        Assert.Equal("IDENTITY_ENDPOINT", error.Setting);
        Assert.Equal("IDENTITY_ENDPOINT is empty; it must be the URL of the App Service / Functions token endpoint.", error.Message);
    }

    [Theory]
    [InlineData(ManagedIdentitySource.AppService, "App Service / Functions", "http://localhost:4141/MSI/token")]
    [InlineData(ManagedIdentitySource.AzureArc, "Azure Arc agent", "http://localhost:40342/metadata/identity/oauth2/token")]
    [InlineData(ManagedIdentitySource.ServiceFabric, "Service Fabric runtime", "https://10.0.0.4:2377/metadata/identity/oauth2/token")]
    [InlineData(ManagedIdentitySource.CloudShell, "Cloud Shell", "http://localhost:50342/oauth2/token")]
    [InlineData(ManagedIdentitySource.Imds, "Instance Metadata Service", "http://169.254.169.254")]
    public void A_malformed_endpoint_names_the_source_and_gives_its_example(ManagedIdentitySource source, string name, string example)
    {
        var error = RefusedUrl("ftp://localhost/token", source);
        Assert.Equal($"IDENTITY_ENDPOINT 'ftp://localhost/token' is not an absolute http(s) URL; the {name} sets it to the URL of its token endpoint, for example {example}.", error.Message);
    }

    [Theory]
    [InlineData("not a url", "not a url")]
    [InlineData("/MSI/token", "/MSI/token")]
    [InlineData("file:///tmp/token", "file:///tmp/token")]
    [InlineData(" ftp://u:secret@localhost/t?sig=abc#f ", "ftp://…@localhost/t")]
    [InlineData("ftp://host/a@b", "ftp://…@b")]
    [InlineData("ftp:x@y", "ftp:x@y")]
    [InlineData("@ftp://x", "@ftp://x")]
    [InlineData("?sig=secret", "")]
    [InlineData("://user:pw@host", "://…@host")]
    public void A_malformed_endpoint_is_quoted_without_user_info_query_or_fragment(string text, string printed)
    {
        Assert.Equal(
            $"IDENTITY_ENDPOINT '{printed}' is not an absolute http(s) URL; the App Service / Functions sets it to the URL of its token endpoint, for example http://localhost:4141/MSI/token.",
            RefusedUrl(text).Message);
    }

    [Theory]
    [InlineData("http://localhost:4141/MSI/token")]
    [InlineData(" http://127.0.0.1:4141/MSI/token ")]
    [InlineData("http://[::1]:4141/MSI/token")]
    [InlineData("https://10.0.0.4:2377/metadata/identity/oauth2/token")]
    public void A_loopback_http_or_any_https_endpoint_is_accepted(string text)
    {
        Assert.Equal(new Uri(text.Trim()), ManagedIdentityEndpointAddress.Parse(text, "IDENTITY_ENDPOINT", ManagedIdentitySource.AppService));
    }

    [Fact]
    public void A_relative_or_non_http_Uri_option_is_refused_with_an_example()
    {
        foreach (var uri in new[] { new Uri("/token", UriKind.Relative), new Uri("ftp://localhost/token") })
        {
            var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityEndpointAddress.Check(uri, "Endpoint", ManagedIdentitySource.CloudShell));
            Assert.Equal("Endpoint", error.Setting);
            Assert.Equal("Endpoint must be an absolute http(s) URL such as http://localhost:50342/oauth2/token.", error.Message);
        }
    }

    [Fact]
    public void User_info_is_refused_without_echoing_it()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityEndpointAddress.Check(new Uri("http://user:secret@localhost:4141/MSI/token"), "Endpoint", ManagedIdentitySource.AppService));
        Assert.Equal("Endpoint must not embed credentials in the URL (http://localhost:4141/MSI/token).", error.Message);
    }

    [Theory]
    [InlineData("http://localhost:4141/MSI/token?x=1")]
    [InlineData("http://localhost:4141/MSI/token#x")]
    public void A_query_or_fragment_is_refused(string text)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityEndpointAddress.Check(new Uri(text), "Endpoint", ManagedIdentitySource.AppService));
        Assert.Equal("Endpoint 'http://localhost:4141/MSI/token' must not carry a query or fragment; the library adds api-version, resource and the identity itself.", error.Message);
    }

    [Theory]
    [InlineData(ManagedIdentitySource.Imds, "http://10.0.0.7/", " or IMDS's own 169.254.169.254")]
    [InlineData(ManagedIdentitySource.AppService, "http://169.254.169.254/", "")]
    [InlineData(ManagedIdentitySource.AzureArc, "http://10.0.0.7/", "")]
    public void Plain_http_to_another_host_is_refused_naming_IMDSs_address_for_IMDS_only(ManagedIdentitySource source, string text, string imds)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityEndpointAddress.Check(new Uri(text), "Endpoint", source));
        Assert.Equal($"Endpoint '{text}' uses plain http to a host that is not this machine; a managed identity endpoint over http must be a loopback address{imds}, otherwise use https.", error.Message);
    }

    [Theory]
    [InlineData("http://169.254.169.254")]
    [InlineData("http://169.254.169.254/")]
    [InlineData("http://169.254.169.254/metadata/identity/oauth2/token")]
    [InlineData("http://169.254.169.254/METADATA/identity/oauth2/token/")]
    public void The_IMDS_token_endpoint_adds_the_token_path_to_a_bare_host(string text)
    {
        Assert.Equal(
            new Uri("http://169.254.169.254/metadata/identity/oauth2/token"),
            ManagedIdentityEndpointAddress.ImdsTokenEndpoint(new Uri(text), "AZURE_POD_IDENTITY_AUTHORITY_HOST"));
    }

    [Fact]
    public void The_IMDS_token_endpoint_keeps_the_port()
    {
        Assert.Equal(
            new Uri("http://127.0.0.1:8080/metadata/identity/oauth2/token"),
            ManagedIdentityEndpointAddress.ImdsTokenEndpoint(new Uri("http://127.0.0.1:8080"), "ImdsEndpoint"));
        Assert.Equal(new Uri("http://169.254.169.254/metadata/identity/oauth2/token"), ManagedIdentityEndpointAddress.ImdsTokenEndpoint(ManagedIdentityEndpointAddress.DefaultImdsBase, "x"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/other", "/other")]
    [InlineData("http://127.0.0.1:8080/metadata/identity/oauth2/token/extra", "/metadata/identity/oauth2/token/extra")]
    public void An_IMDS_base_with_another_path_is_refused(string text, string path)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityEndpointAddress.ImdsTokenEndpoint(new Uri(text), "ImdsEndpoint"));
        Assert.Equal($"ImdsEndpoint '{text}' has the path '{path}'; give the IMDS host only (for example http://127.0.0.1:8080), the library adds /metadata/identity/oauth2/token.", error.Message);
    }

    [Fact]
    public void An_IMDS_base_is_checked_like_any_endpoint()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityEndpointAddress.ImdsTokenEndpoint(new Uri("http://10.0.0.7/"), "ImdsEndpoint"));
        Assert.Contains("or IMDS's own 169.254.169.254", error.Message);
    }

    [Theory]
    [InlineData("https://management.azure.com/.default", "https://management.azure.com")]
    [InlineData("https://database.windows.net//.default", "https://database.windows.net/")]
    [InlineData("https://vault.azure.net/.DEFAULT", "https://vault.azure.net")]
    [InlineData("https://storage.azure.com/", "https://storage.azure.com/")]
    [InlineData("api://a1b2c3d4-0000-4000-8000-000000000001", "api://a1b2c3d4-0000-4000-8000-000000000001")]
    [InlineData("x~", "x~")]
    [InlineData("!", "!")]
    public void A_scope_becomes_its_resource(string scope, string resource)
    {
        Assert.Equal(resource, ManagedIdentityScope.ToResource([scope]));
        Assert.Equal(resource + "/.default", ManagedIdentityScope.ToScope(resource));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Anything_but_one_scope_is_refused_counting_them(int count)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityScope.ToResource(Enumerable.Repeat("https://management.azure.com/.default", count).ToArray()));
        Assert.Equal("Scopes", error.Setting);
        Assert.Equal($"A managed identity token is for exactly one resource; got {count} scopes. Pass one '{{resource}}/.default' scope or the resource itself.", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("https://a b/.default")]
    [InlineData("https://a\"b")]
    [InlineData("https://a\\b")]
    [InlineData("https://a\tb")]
    [InlineData("https://a\u007fb")]
    [InlineData("https://\u00e9.example")]
    public void A_scope_that_is_not_a_scope_token_is_refused(string scope)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityScope.ToResource([scope]));
        Assert.Equal("Scopes", error.Setting);
        Assert.Equal($"Scope '{scope}' is not a valid scope token (printable ASCII without spaces, quotes or backslashes).", error.Message);
    }

    [Fact]
    public void A_scope_that_is_only_the_default_suffix_is_refused()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ManagedIdentityScope.ToResource(["/.default"]));
        Assert.Equal("Scopes", error.Setting);
        Assert.Equal("Scope '/.default' names no resource before '/.default'.", error.Message);
    }

    [Theory]
    [InlineData("IDENTITY_ENDPOINT=e IDENTITY_HEADER=h", false, ManagedIdentitySource.AppService)]
    [InlineData("IDENTITY_ENDPOINT=e IDENTITY_HEADER=h IDENTITY_SERVER_THUMBPRINT=t", false, ManagedIdentitySource.ServiceFabric)]
    [InlineData("IDENTITY_ENDPOINT=e IDENTITY_HEADER=h IDENTITY_SERVER_THUMBPRINT=_", false, ManagedIdentitySource.AppService)]
    [InlineData("IDENTITY_ENDPOINT=e IDENTITY_HEADER=h MSI_ENDPOINT=m IMDS_ENDPOINT=i", true, ManagedIdentitySource.AppService)]
    [InlineData("IDENTITY_HEADER=h IDENTITY_SERVER_THUMBPRINT=t", false, ManagedIdentitySource.Imds)]
    [InlineData("IDENTITY_ENDPOINT=_ IDENTITY_HEADER=h", false, ManagedIdentitySource.Imds)]
    [InlineData("IDENTITY_ENDPOINT=e IDENTITY_HEADER=_", false, ManagedIdentitySource.Imds)]
    [InlineData("MSI_ENDPOINT=m IDENTITY_ENDPOINT=e IMDS_ENDPOINT=i", true, ManagedIdentitySource.CloudShell)]
    [InlineData("MSI_ENDPOINT=_", false, ManagedIdentitySource.Imds)]
    [InlineData("IDENTITY_ENDPOINT=e IMDS_ENDPOINT=i", false, ManagedIdentitySource.AzureArc)]
    [InlineData("IDENTITY_ENDPOINT=e", false, ManagedIdentitySource.Imds)]
    [InlineData("IMDS_ENDPOINT=i", false, ManagedIdentitySource.Imds)]
    [InlineData("IDENTITY_ENDPOINT=e IMDS_ENDPOINT=_", false, ManagedIdentitySource.Imds)]
    [InlineData("", true, ManagedIdentitySource.AzureArc)]
    [InlineData("", false, ManagedIdentitySource.Imds)]
    public void The_source_follows_the_variables_in_the_order_MSAL_uses(string variables, bool arcAgentInstalled, ManagedIdentitySource expected)
    {
        var values = ManagedIdentityTestEnvironment.VariablesFrom(variables);
        var asked = new List<string>();

        var source = ManagedIdentityEnvironment.Detect(name => values.GetValueOrDefault(name), path =>
        {
            asked.Add(path);
            return arcAgentInstalled && path == ManagedIdentityEnvironment.ArcAgentPath;
        });

        Assert.Equal(expected, source);
        Assert.All(asked, path => Assert.Equal(ManagedIdentityEnvironment.ArcAgentPath, path));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData(" \t", null)]
    [InlineData(" http://localhost:4141 ", "http://localhost:4141")]
    public void A_variable_is_read_trimmed_and_a_blank_one_is_unset(string? value, string? expected)
    {
        Assert.Equal(expected, ManagedIdentityEnvironment.Value(name => name == "V" ? value : "other", "V"));
    }

    [Fact]
    public void The_Arc_agent_is_looked_for_where_it_installs()
    {
        Assert.Equal(OperatingSystem.IsWindows() ? Environment.ExpandEnvironmentVariables(@"%ProgramFiles%\AzureConnectedMachineAgent\himds.exe") : "/opt/azcmagent/bin/himds", ManagedIdentityEnvironment.ArcAgentPath);
        Assert.Equal("http://127.0.0.1:40342/metadata/identity/oauth2/token", ManagedIdentityEnvironment.ArcDefaultEndpoint);
    }
}
