using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using ClientCredentials.Protocol.Testing;

namespace ClientCredentials.Protocol.Tests.ManagedIdentity;

/// <summary>
/// How each source's endpoint is built from variables and options, what request it writes, and how the Azure Arc
/// challenge and key file and the Service Fabric thumbprint are checked, with the exact refusal of each bad value.
/// </summary>
public sealed class ManagedIdentityEndpointBuildTests : IDisposable
{
    private const string Resource = "https://vault.azure.net";
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("cc-arc-keys-").FullName;

    public void Dispose() => Directory.Delete(_keyDirectory, recursive: true);

    private ManagedIdentityEndpoint Create(string variables, ManagedIdentityOptions? options = null, bool arcAgentInstalled = false)
    {
        var values = ManagedIdentityTestEnvironment.VariablesFrom(variables);
        return ManagedIdentityEndpointFactory.Create(options ?? new ManagedIdentityOptions(), name => values.GetValueOrDefault(name), _ => arcAgentInstalled, new ArcKeyFilePolicy(_keyDirectory));
    }

    private ClientCredentialsConfigurationException Refused(string variables, ManagedIdentityOptions? options = null) =>
        Assert.Throws<ClientCredentialsConfigurationException>(() => Create(variables, options));

    [Fact]
    public void Without_an_id_the_factory_asks_for_one()
    {
        var error = Refused("", new ManagedIdentityOptions { Id = null! });
        Assert.Equal("ManagedIdentityId", error.Setting);
        Assert.Equal("Id is required: ManagedIdentityId.SystemAssigned or a user-assigned id.", error.Message);
    }

    [Fact]
    public void An_undefined_source_is_refused_by_number()
    {
        var error = Refused("", new ManagedIdentityOptions { Source = (ManagedIdentitySource)42 });
        Assert.Equal("ManagedIdentity:Source", error.Setting);
        Assert.Equal("Unknown managed identity source 42.", error.Message);
    }

    [Fact]
    public void An_IMDS_override_on_another_source_names_the_source()
    {
        var error = Refused("MSI_ENDPOINT=http://localhost:50342/oauth2/token", new ManagedIdentityOptions { ImdsEndpoint = new Uri("http://127.0.0.1:8080") });
        Assert.Equal("ManagedIdentity:ImdsEndpoint", error.Setting);
        Assert.Equal("ImdsEndpoint is set, but the managed identity source is CloudShell (detected from this process's environment variables); remove it, or set Source = Imds.", error.Message);
    }

    [Theory]
    [InlineData(ManagedIdentitySource.AppService, "IDENTITY_HEADER=h", "IDENTITY_ENDPOINT")]
    [InlineData(ManagedIdentitySource.AppService, "IDENTITY_ENDPOINT=http://localhost:4141/MSI/token", "IDENTITY_HEADER")]
    [InlineData(ManagedIdentitySource.ServiceFabric, "IDENTITY_HEADER=h IDENTITY_SERVER_THUMBPRINT=t", "IDENTITY_ENDPOINT")]
    [InlineData(ManagedIdentitySource.ServiceFabric, "IDENTITY_ENDPOINT=https://localhost:2377/t IDENTITY_SERVER_THUMBPRINT=t", "IDENTITY_HEADER")]
    [InlineData(ManagedIdentitySource.ServiceFabric, "IDENTITY_ENDPOINT=https://localhost:2377/t IDENTITY_HEADER=h", "IDENTITY_SERVER_THUMBPRINT")]
    [InlineData(ManagedIdentitySource.CloudShell, "", "MSI_ENDPOINT")]
    public void A_forced_source_names_the_missing_variable(ManagedIdentitySource source, string variables, string missing)
    {
        var error = Refused(variables, new ManagedIdentityOptions { Source = source });
        Assert.Equal(missing, error.Setting);
        Assert.Equal($"{missing} is not set, but the managed identity source is {source}; that host sets it for every process (or do not force Source = {source}).", error.Message);
    }

    [Fact]
    public void App_Service_sends_the_identity_header_and_names_a_user_assigned_identity_by_its_own_parameter_names()
    {
        var endpoint = Create("IDENTITY_ENDPOINT=http://localhost:4141/MSI/token IDENTITY_HEADER=h-1", new ManagedIdentityOptions { Id = ManagedIdentityId.FromObjectId(TestIds.ManagedIdentityObjectId) });
        Assert.IsType<AppServiceEndpoint>(endpoint);
        Assert.Equal(ManagedIdentitySource.AppService, endpoint.Source);

        using var request = endpoint.CreateRequest("https://vault.azure.net/", "corr");
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal($"http://localhost:4141/MSI/token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net%2F&principal_id={TestIds.ManagedIdentityObjectId}", request.RequestUri!.AbsoluteUri);
        Assert.Equal(["h-1"], request.Headers.GetValues("X-IDENTITY-HEADER"));
        Assert.False(request.Headers.Contains("Metadata"));
        Assert.Null(endpoint.CreateOwnHandler());
    }

    [Theory]
    [InlineData("client", "client_id")]
    [InlineData("resource", "mi_res_id")]
    public void App_Service_names_client_and_resource_ids_as_MSAL_does(string kind, string parameter)
    {
        var id = kind == "client" ? ManagedIdentityId.FromClientId(TestIds.ManagedIdentityClientId) : ManagedIdentityId.FromResourceId(ManagedIdentityTestEnvironment.UserAssignedResourceId);
        var endpoint = Create("IDENTITY_ENDPOINT=http://localhost:4141/MSI/token IDENTITY_HEADER=h", new ManagedIdentityOptions { Id = id });
        using var request = endpoint.CreateRequest(Resource, "corr");
        Assert.EndsWith($"&{parameter}={Uri.EscapeDataString(id.Value!)}", request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void An_identity_header_with_a_line_break_is_refused_naming_the_variable()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new AppServiceEndpoint(new Uri("http://localhost:4141/MSI/token"), "a\nb", ManagedIdentityId.SystemAssigned));
        Assert.Equal("IDENTITY_HEADER", error.Setting);
        Assert.Equal("IDENTITY_HEADER contains a control character; it must be the single-line value the host sets.", error.Message);
    }

    [Fact]
    public void IMDS_sends_Metadata_the_correlation_id_and_msi_res_id()
    {
        var endpoint = Create("", new ManagedIdentityOptions { Id = ManagedIdentityId.FromResourceId(ManagedIdentityTestEnvironment.UserAssignedResourceId) });
        Assert.Equal(new Uri("http://169.254.169.254/metadata/identity/oauth2/token"), endpoint.TokenEndpoint);

        using var request = endpoint.CreateRequest(Resource, "corr-1");
        Assert.Equal(
            $"http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&msi_res_id={Uri.EscapeDataString(ManagedIdentityTestEnvironment.UserAssignedResourceId)}",
            request.RequestUri!.AbsoluteUri);
        Assert.Equal(["true"], request.Headers.GetValues("Metadata"));
        Assert.Equal(["corr-1"], request.Headers.GetValues("x-ms-client-request-id"));
    }

    [Theory]
    [InlineData("client", "client_id")]
    [InlineData("object", "object_id")]
    public void IMDS_names_client_and_object_ids(string kind, string parameter)
    {
        var id = kind == "client" ? ManagedIdentityId.FromClientId(TestIds.ManagedIdentityClientId) : ManagedIdentityId.FromObjectId(TestIds.ManagedIdentityObjectId);
        using var request = Create("", new ManagedIdentityOptions { Id = id }).CreateRequest(Resource, "corr");
        Assert.EndsWith($"&{parameter}={id.Value}", request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void A_system_assigned_identity_adds_no_identity_parameter()
    {
        using var request = Create("").CreateRequest(Resource, "corr");
        Assert.Equal("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net", request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void IMDS_takes_the_option_over_the_pod_identity_host_over_its_own_address()
    {
        Assert.Equal(new Uri("http://127.0.0.1:8080/metadata/identity/oauth2/token"), Create("AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.2:2579", new ManagedIdentityOptions { ImdsEndpoint = new Uri("http://127.0.0.1:8080") }).TokenEndpoint);
        Assert.Equal(new Uri("http://127.0.0.2:2579/metadata/identity/oauth2/token"), Create("AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.2:2579").TokenEndpoint);
        Assert.Equal(new Uri("http://169.254.169.254/metadata/identity/oauth2/token"), Create("AZURE_POD_IDENTITY_AUTHORITY_HOST= ").TokenEndpoint);
    }

    [Fact]
    public void A_pod_identity_host_with_a_path_is_refused_naming_the_variable()
    {
        var error = Refused("AZURE_POD_IDENTITY_AUTHORITY_HOST=http://127.0.0.2:2579/other");
        Assert.Equal("AZURE_POD_IDENTITY_AUTHORITY_HOST", error.Setting);
        Assert.Contains("has the path '/other'", error.Message);
    }

    [Fact]
    public void An_IMDS_option_is_checked_under_its_own_name()
    {
        var error = Refused("", new ManagedIdentityOptions { ImdsEndpoint = new Uri("http://127.0.0.1:8080/x") });
        Assert.Equal("ManagedIdentity:ImdsEndpoint", error.Setting);
    }

    [Fact]
    public async Task Cloud_Shell_posts_the_resource_as_a_form_with_Metadata()
    {
        var endpoint = Create("MSI_ENDPOINT=http://localhost:50342/oauth2/token");
        Assert.Equal(ManagedIdentitySource.CloudShell, endpoint.Source);

        using var request = endpoint.CreateRequest("https://vault.azure.net/", "corr");
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("http://localhost:50342/oauth2/token"), request.RequestUri);
        Assert.Equal("resource=https%3A%2F%2Fvault.azure.net%2F", await request.Content!.ReadAsStringAsync());
        Assert.Equal("application/x-www-form-urlencoded", request.Content.Headers.ContentType!.ToString());
        Assert.Equal(["true"], request.Headers.GetValues("Metadata"));
    }

    [Theory]
    [InlineData(ManagedIdentitySource.CloudShell, "MSI_ENDPOINT=http://localhost:50342/oauth2/token", "Cloud Shell")]
    [InlineData(ManagedIdentitySource.AzureArc, "", "Azure Arc")]
    public void Sources_without_user_assigned_identities_name_the_one_refused(ManagedIdentitySource source, string variables, string name)
    {
        var id = ManagedIdentityId.FromClientId(TestIds.ManagedIdentityClientId);
        var error = Refused(variables, new ManagedIdentityOptions { Source = source, Id = id });
        Assert.Equal("ManagedIdentityId", error.Setting);
        Assert.Equal($"{name} offers only the system-assigned managed identity; remove the user-assigned client_id {id.Value} (use ManagedIdentityId.SystemAssigned).", error.Message);
    }

    [Fact]
    public void Azure_Arc_defaults_to_the_agents_port_and_asks_with_Metadata()
    {
        var endpoint = Create("", arcAgentInstalled: true);
        Assert.Equal(ManagedIdentitySource.AzureArc, endpoint.Source);
        Assert.Equal(new Uri("http://127.0.0.1:40342/metadata/identity/oauth2/token"), endpoint.TokenEndpoint);
        Assert.Equal(new Uri("http://localhost:40343/x"), Create("IDENTITY_ENDPOINT=http://localhost:40343/x IMDS_ENDPOINT=http://localhost:40342").TokenEndpoint);

        using var request = endpoint.CreateRequest("https://vault.azure.net/", "corr");
        Assert.Equal("http://127.0.0.1:40342/metadata/identity/oauth2/token?api-version=2019-11-01&resource=https%3A%2F%2Fvault.azure.net%2F", request.RequestUri!.AbsoluteUri);
        Assert.Equal(["true"], request.Headers.GetValues("Metadata"));
        Assert.False(request.Headers.Contains("Authorization"));
    }

    [Fact]
    public void An_Arc_answer_that_is_not_401_is_no_challenge()
    {
        var endpoint = Create("", arcAgentInstalled: true);
        using var response = new HttpResponseMessage(HttpStatusCode.Forbidden);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", $"Basic realm={Path.Combine(_keyDirectory, "a.key")}");
        Assert.Null(endpoint.AnswerChallenge(response, Resource, "corr"));
        Assert.Null(Create("").AnswerChallenge(response, Resource, "corr"));
    }

    [Fact]
    public void The_Arc_challenge_is_answered_with_the_trimmed_key_as_Basic()
    {
        var keyFile = Path.Combine(_keyDirectory, "a.key");
        File.WriteAllText(keyFile, "  secret-key\n");
        var endpoint = Create("", arcAgentInstalled: true);
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", $"basic  REALM=\"{keyFile}\" ");

        using var answer = endpoint.AnswerChallenge(response, Resource, "corr")!;
        Assert.Equal("http://127.0.0.1:40342/metadata/identity/oauth2/token?api-version=2019-11-01&resource=https%3A%2F%2Fvault.azure.net", answer.RequestUri!.AbsoluteUri);
        Assert.Equal(["Basic secret-key"], answer.Headers.GetValues("Authorization"));
        Assert.Equal(["true"], answer.Headers.GetValues("Metadata"));
    }

    [Theory]
    [InlineData(null, "The Azure Arc agent answered 401 without a WWW-Authenticate challenge naming its key file; check that IDENTITY_ENDPOINT is the agent's endpoint (http://localhost:40342/metadata/identity/oauth2/token) and the agent is running.")]
    [InlineData("Bearer realm=/x.key", "The Azure Arc agent's WWW-Authenticate header is not 'Basic realm=<key file path>'; it is not answered.")]
    [InlineData("Basic scope=/x.key", "The Azure Arc agent's WWW-Authenticate header is not 'Basic realm=<key file path>'; it is not answered.")]
    [InlineData("Basic", "The Azure Arc agent's WWW-Authenticate header is not 'Basic realm=<key file path>'; it is not answered.")]
    [InlineData("Basic realm=\"\"", "The Azure Arc agent's challenge names no key file (empty realm); it is not answered.")]
    [InlineData("Basic realm= ", "The Azure Arc agent's challenge names no key file (empty realm); it is not answered.")]
    public void A_challenge_that_names_no_key_file_is_refused(string? challenge, string message)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        if (challenge is not null)
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        }

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ArcChallenge.KeyFilePath(response));
        Assert.Equal("AzureArc:WWW-Authenticate", error.Setting);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_challenge_split_over_two_header_values_is_read_as_one()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", ["Basic realm=/var/opt/azcmagent/tokens/a", "b.key"]);
        Assert.Equal("/var/opt/azcmagent/tokens/a,b.key", ArcChallenge.KeyFilePath(response));
    }

    private ClientCredentialsConfigurationException KeyRefused(string path, long maxBytes = ArcKeyFilePolicy.DefaultMaxBytes) =>
        Assert.Throws<ClientCredentialsConfigurationException>(() => new ArcKeyFilePolicy(_keyDirectory, maxBytes).Read(path));

    [Theory]
    [InlineData("sub/a.key")]
    [InlineData("a.txt")]
    [InlineData("a.key.txt")]
    [InlineData("../a.key")]
    [InlineData("./a.key")]
    [InlineData("x/../a.key")]
    public void A_key_file_outside_the_directory_or_not_key_is_refused_before_it_is_opened(string relative)
    {
        var path = Path.Combine(_keyDirectory, relative);

        var error = KeyRefused(path);
        Assert.Equal("AzureArc:KeyFile", error.Setting);
        Assert.Equal($"The Azure Arc challenge names the key file '{path}', which is not a .key file directly in {_keyDirectory}; only the agent's own key directory is read.", error.Message);
    }

    [Fact]
    public void A_key_extension_in_another_case_is_refused_where_paths_are_case_sensitive()
    {
        var path = Path.Combine(_keyDirectory, "a.KEY");
        File.WriteAllText(path, "key");
        if (OperatingSystem.IsWindows())
        {
            Assert.Equal("key", new ArcKeyFilePolicy(_keyDirectory).Read(path));
        }
        else
        {
            Assert.Contains("which is not a .key file directly in", KeyRefused(path).Message);
        }
    }

    [Fact]
    public void A_key_file_the_agent_still_holds_open_for_writing_is_read()
    {
        var path = Path.Combine(_keyDirectory, "a.key");
        File.WriteAllText(path, "key-2");
        using var agent = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        Assert.Equal("key-2", new ArcKeyFilePolicy(_keyDirectory).Read(path));
    }

    [Fact]
    public void A_key_file_locked_by_another_process_is_refused_with_the_reason()
    {
        var path = Path.Combine(_keyDirectory, "a.key");
        File.WriteAllText(path, "key-3");
        using var locker = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var error = KeyRefused(path);
        Assert.StartsWith($"The Azure Arc key file '{path}' could not be read: ", error.Message);
        Assert.IsType<IOException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public void The_directory_may_be_given_with_a_trailing_separator()
    {
        var keyFile = Path.Combine(_keyDirectory, "a.key");
        File.WriteAllText(keyFile, "key-1");
        Assert.Equal("key-1", new ArcKeyFilePolicy(_keyDirectory + Path.DirectorySeparatorChar).Read(keyFile));
    }

    [Fact]
    public void A_path_that_is_no_path_is_refused_as_such()
    {
        var path = Path.Combine(_keyDirectory, "a\0.key");
        var error = KeyRefused(path);
        Assert.Equal($"The Azure Arc challenge names '{path}', which is not a valid path; it is not read.", error.Message);
        Assert.IsType<ArgumentException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public void A_missing_key_file_names_the_group_that_may_read_it()
    {
        var path = Path.Combine(_keyDirectory, "missing.key");
        Assert.Equal(
            $"The Azure Arc key file '{path}' does not exist; check that this process may read {_keyDirectory} (Linux: member of the 'himds' group; Windows: Administrators or 'Hybrid agent extension applications').",
            KeyRefused(path).Message);
    }

    [Theory]
    [InlineData(4, "abcd", "abcd")]
    [InlineData(4, "abcde", null)]
    [InlineData(16, "\tkey\r\n", "key")]
    public void A_key_file_may_hold_at_most_the_limit(long maxBytes, string contents, string? key)
    {
        var path = Path.Combine(_keyDirectory, "a.key");
        File.WriteAllText(path, contents);
        if (key is not null)
        {
            Assert.Equal(key, new ArcKeyFilePolicy(_keyDirectory, maxBytes).Read(path));
        }
        else
        {
            Assert.Equal($"The Azure Arc key file '{path}' holds 5 bytes, more than the 4 a key file may; it is not read.", KeyRefused(path, maxBytes).Message);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n ")]
    [InlineData("ab\u0001cd")]
    [InlineData("ab\ncd")]
    public void A_key_that_is_empty_or_holds_control_characters_is_not_sent(string contents)
    {
        var path = Path.Combine(_keyDirectory, "a.key");
        File.WriteAllText(path, contents);
        Assert.Equal($"The Azure Arc key file '{path}' is empty or holds control characters; it is not sent.", KeyRefused(path).Message);
    }

    [Fact]
    public void A_key_path_that_is_a_directory_is_refused()
    {
        var path = Path.Combine(_keyDirectory, "a.key");
        Directory.CreateDirectory(path);
        var error = KeyRefused(path);
        Assert.StartsWith($"The Azure Arc key file '{path}' ", error.Message);
    }

    [Fact]
    public void Without_a_key_directory_nothing_is_read()
    {
        var path = Path.Combine(_keyDirectory, "a.key");
        File.WriteAllText(path, "key");
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ArcKeyFilePolicy(string.Empty).Read(path));
        Assert.Equal($"Azure Arc managed identity is supported on Linux and Windows only; the key file '{path}' is not read on this operating system.", error.Message);
    }

    [Fact]
    public void The_platform_key_directory_is_where_the_agent_writes()
    {
        var expected = OperatingSystem.IsWindows() ? Environment.ExpandEnvironmentVariables(@"%ProgramData%\AzureConnectedMachineAgent\Tokens\")
            : OperatingSystem.IsLinux() ? "/var/opt/azcmagent/tokens/"
            : null;
        Assert.Equal(expected, ArcKeyFilePolicy.PlatformDirectory);
        Assert.Equal(expected ?? string.Empty, ArcKeyFilePolicy.ForPlatform().Directory);
    }

    [Theory]
    [InlineData("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678")]
    [InlineData("A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:12:34:56:78", "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678")]
    [InlineData(" a1b2 c3d4e5f60718293a4b5c6d7e8f9012345678 ", "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678")]
    public void A_thumbprint_is_normalised_to_upper_case_hex(string thumbprint, string expected)
    {
        Assert.Equal(expected, ServiceFabricServerCertificate.NormalizeThumbprint(thumbprint));
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("a1b2", 4)]
    [InlineData("a1b2c3d4e5f60718293a4b5c6d7e8f901234567G", 40)]
    [InlineData("a1b2c3d4e5f60718293a4b5c6d7e8f90123456789", 41)]
    [InlineData("a1b2c3d4e5f60718293a4b5c6d7e8f90123456-8", 40)]
    public void A_thumbprint_that_is_not_40_hex_digits_is_refused_counting_them(string? thumbprint, int length)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ServiceFabricServerCertificate.NormalizeThumbprint(thumbprint!));
        Assert.Equal("IDENTITY_SERVER_THUMBPRINT", error.Setting);
        Assert.Equal($"IDENTITY_SERVER_THUMBPRINT must be the 40-hex-digit SHA-1 thumbprint of the Service Fabric token endpoint's certificate; it has {length} characters.", error.Message);
    }

    [Fact]
    public void A_server_certificate_is_accepted_when_it_validates_or_its_thumbprint_is_the_pinned_one()
    {
        using var certificate = TestCertificates.Rsa(subject: "CN=sf-runtime");
        var pinned = Convert.ToHexString(SHA1.HashData(certificate.RawData));
        var other = new string('0', 40);

        Assert.True(ServiceFabricServerCertificate.Accept(certificate, SslPolicyErrors.None, other));
        Assert.True(ServiceFabricServerCertificate.Accept(null, SslPolicyErrors.None, other));
        Assert.True(ServiceFabricServerCertificate.Accept(certificate, SslPolicyErrors.RemoteCertificateChainErrors, pinned));
        Assert.False(ServiceFabricServerCertificate.Accept(certificate, SslPolicyErrors.RemoteCertificateChainErrors, other));
        Assert.False(ServiceFabricServerCertificate.Accept(certificate, SslPolicyErrors.RemoteCertificateChainErrors, pinned.ToLowerInvariant()));
        Assert.False(ServiceFabricServerCertificate.Accept(null, SslPolicyErrors.RemoteCertificateNotAvailable, pinned));
    }

    [Fact]
    public void Service_Fabric_sends_the_secret_header_pins_the_thumbprint_and_refuses_object_ids()
    {
        var endpoint = Create($"IDENTITY_ENDPOINT=https://localhost:2377/metadata/identity/oauth2/token IDENTITY_HEADER=s-1 IDENTITY_SERVER_THUMBPRINT={new string('a', 40)}", new ManagedIdentityOptions { Id = ManagedIdentityId.FromClientId(TestIds.ManagedIdentityClientId) });
        Assert.Equal(ManagedIdentitySource.ServiceFabric, endpoint.Source);

        using var request = endpoint.CreateRequest(Resource, "corr");
        Assert.Equal($"https://localhost:2377/metadata/identity/oauth2/token?api-version=2019-07-01-preview&resource=https%3A%2F%2Fvault.azure.net&client_id={TestIds.ManagedIdentityClientId}", request.RequestUri!.AbsoluteUri);
        Assert.Equal(["s-1"], request.Headers.GetValues("secret"));
        using var handler = endpoint.CreateOwnHandler();
        Assert.NotNull(Assert.IsType<SocketsHttpHandler>(handler).SslOptions.RemoteCertificateValidationCallback);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new ServiceFabricEndpoint(new Uri("https://localhost:2377/t"), "s", new string('a', 40), ManagedIdentityId.FromObjectId(TestIds.ManagedIdentityObjectId)));
        Assert.Equal("Service Fabric selects a user-assigned identity by client id or resource id, not by object id; use ManagedIdentityId.FromClientId or FromResourceId.", error.Message);
        Assert.Throws<ClientCredentialsConfigurationException>(() => new ServiceFabricEndpoint(new Uri("https://localhost:2377/t"), "s\r", new string('a', 40), ManagedIdentityId.SystemAssigned));
    }

    [Fact]
    public void Query_values_are_escaped_as_RFC_3986_data()
    {
        using var request = Create("").CreateRequest("api://x y/ü?&=", "corr");
        Assert.EndsWith("&resource=api%3A%2F%2Fx%20y%2F%C3%BC%3F%26%3D", request.RequestUri!.AbsoluteUri);
    }
}
