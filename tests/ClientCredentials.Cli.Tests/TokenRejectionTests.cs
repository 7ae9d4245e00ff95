using System.Net;
using System.Net.Sockets;
using ClientCredentials.Cli.Tests.Infrastructure;
using ClientCredentials.Emulator;

namespace ClientCredentials.Cli.Tests;

/// <summary>
/// Every way the emulator (or the library, before sending) refuses a request reaches the user as its AADSTS code in
/// the JSON error object, with the exit code for its class; the secret never shows.
/// </summary>
public sealed class TokenRejectionTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Unknown_tenant_is_AADSTS90002()
    {
        var result = await RunWithSecretAsync(emulator.EntraArgs(tenant: TestIds.UnknownTenantId));

        AssertEndpointError(result, 90002, "invalid_request", 400);
    }

    [Fact]
    public async Task Unknown_application_is_AADSTS700016()
    {
        var result = await RunWithSecretAsync(emulator.EntraArgs(clientId: TestIds.UnknownAppId));

        AssertEndpointError(result, 700016, "unauthorized_client", 400);
    }

    [Fact]
    public async Task Wrong_secret_is_AADSTS7000215_with_a_hint_about_the_secret_value()
    {
        var result = await RunWithSecretAsync(emulator.EntraArgs(), secret: "not-the-right-secret-VALUE");

        AssertEndpointError(result, 7000215, "invalid_client", 401);
        Assert.Contains("Secret ID", result.Json().GetProperty("hint").GetString(), StringComparison.Ordinal);
        SecretAssert.NotIn(result, "not-the-right-secret-VALUE");
    }

    [Fact]
    public async Task Expired_secret_is_AADSTS7000222()
    {
        var result = await RunWithSecretAsync(emulator.EntraArgs(EmulatorFixture.ExpiredSecretAppId), secret: EmulatorFixture.ExpiredSecret);

        AssertEndpointError(result, 7000222, "invalid_client", 401);
        SecretAssert.NotIn(result, EmulatorFixture.ExpiredSecret);
    }

    [Fact]
    public async Task Assertion_signed_by_an_unregistered_certificate_is_AADSTS700027()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--certificate", emulator.UnregisteredPfxPath, "-o", "json"]);

        AssertEndpointError(result, 700027, "invalid_client", 401);
    }

    [Fact]
    public async Task Assertion_for_another_audience_is_AADSTS50012()
    {
        var assertion = Assertions.Sign(emulator.Certificate, "https://login.microsoftonline.com/other/oauth2/v2.0/token", EmulatorFixture.AppId, EmulatorFixture.AppId, DateTime.UtcNow, DateTime.UtcNow.AddMinutes(10));

        var result = await RunWithAssertionAsync(assertion);

        AssertEndpointError(result, 50012, "invalid_client", 401);
    }

    [Fact]
    public async Task Assertion_whose_issuer_is_not_the_client_id_is_AADSTS700021()
    {
        var assertion = Assertions.Sign(emulator.Certificate, emulator.TokenEndpoint, "dddddddd-0000-0000-0000-000000000000", EmulatorFixture.AppId, DateTime.UtcNow, DateTime.UtcNow.AddMinutes(10));

        var result = await RunWithAssertionAsync(assertion);

        AssertEndpointError(result, 700021, "invalid_client", 401);
    }

    [Fact]
    public async Task Assertion_whose_subject_is_not_the_issuer_is_AADSTS50048()
    {
        var assertion = Assertions.Sign(emulator.Certificate, emulator.TokenEndpoint, EmulatorFixture.AppId, "dddddddd-0000-0000-0000-000000000000", DateTime.UtcNow, DateTime.UtcNow.AddMinutes(10));

        var result = await RunWithAssertionAsync(assertion);

        AssertEndpointError(result, 50048, "invalid_client", 401);
    }

    [Fact]
    public async Task Expired_assertion_is_AADSTS700024()
    {
        var assertion = Assertions.Sign(emulator.Certificate, emulator.TokenEndpoint, EmulatorFixture.AppId, EmulatorFixture.AppId, DateTime.UtcNow.AddMinutes(-30), DateTime.UtcNow.AddMinutes(-20));

        var result = await RunWithAssertionAsync(assertion);

        AssertEndpointError(result, 700024, "invalid_client", 401);
    }

    [Fact]
    public async Task Unknown_resource_is_AADSTS500011()
    {
        var result = await RunWithSecretAsync(["token", "--instance", emulator.Instance, "--tenant", EmulatorFixture.TenantId, "--client-id", EmulatorFixture.AppId, "--resource", "api://no-such-api"]);

        AssertEndpointError(result, 500011, "invalid_resource", 400);
    }

    [Fact]
    public async Task Scope_without_dot_default_is_answered_AADSTS70011_by_a_server_reached_by_token_endpoint()
    {
        var result = await RunWithSecretAsync(["token", "--token-endpoint", emulator.TokenEndpoint, "--client-id", EmulatorFixture.AppId, "--scope", "api://orders/Orders.Read"]);

        AssertEndpointError(result, 70011, "invalid_scope", 400);
    }

    [Theory]
    [InlineData("common")]
    [InlineData("organizations")]
    [InlineData("consumers")]
    public async Task Multi_tenant_alias_is_refused_before_sending(string alias)
    {
        var result = await RunWithSecretAsync([.. emulator.EntraArgs(tenant: alias), "--verbose"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        var json = result.Json();
        Assert.Equal("invalid_configuration", json.GetProperty("error").GetString());
        Assert.Contains("AADSTS90010", json.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.Empty(result.ErrorCodes());
        Assert.DoesNotContain("> POST", result.Stderr, StringComparison.Ordinal);
        SecretAssert.NotIn(result, EmulatorFixture.Secret);
    }

    [Fact]
    public async Task Entra_scope_without_dot_default_is_refused_before_sending()
    {
        var result = await RunWithSecretAsync(["token", "--instance", emulator.Instance, "--tenant", EmulatorFixture.TenantId, "--client-id", EmulatorFixture.AppId, "--scope", "api://orders/Orders.Read", "--verbose"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("invalid_configuration", result.Json().GetProperty("error").GetString());
        Assert.Contains("AADSTS70011", result.Json().GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("> POST", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_in_token_mode_are_one_paragraph_on_stderr_with_the_AADSTS_code_and_nothing_on_stdout()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET"], EmulatorFixture.SecretEnvironment("wrong-secret-VALUE-123"));

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var paragraph = result.Stderr.TrimEnd();
        Assert.DoesNotContain('\n', paragraph);
        Assert.StartsWith("error: HTTP 401 invalid_client (AADSTS7000215):", paragraph, StringComparison.Ordinal);
        Assert.Contains("Hint:", paragraph, StringComparison.Ordinal);
        Assert.Contains("correlation_id", paragraph, StringComparison.Ordinal);
        SecretAssert.NotIn(result, "wrong-secret-VALUE-123");
    }

    [Fact]
    public async Task Throttling_is_exit_code_6_with_retry_after()
    {
        await using var throttled = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Tenants = [new EmulatorTenant { Id = EmulatorFixture.TenantId }],
            Resources = [new EmulatorResource { AppIdUri = EmulatorFixture.Resource }],
            Applications = [new EmulatorApplication { ClientId = EmulatorFixture.AppId, Secrets = [new EmulatorSecret { Value = EmulatorFixture.Secret }] }],
            Faults = new EmulatorFaults { ForcedStatusCodes = [429], RetryAfterSeconds = 30 },
        });

        var result = await RunWithSecretAsync(["token", "--instance", throttled.BaseAddress.AbsoluteUri, "--tenant", EmulatorFixture.TenantId, "--client-id", EmulatorFixture.AppId, "--resource", EmulatorFixture.Resource]);

        Assert.True(result.ExitCode == 6, result.ToString());
        var json = result.Json();
        Assert.Equal(429, json.GetProperty("status").GetInt32());
        Assert.Equal(30, json.GetProperty("retry_after").GetInt32());
        Assert.Equal([90024], result.ErrorCodes());
    }

    [Fact]
    public async Task Unreachable_endpoint_is_exit_code_5()
    {
        var port = ClosedPort();

        var result = await RunWithSecretAsync(["token", "--token-endpoint", $"http://127.0.0.1:{port}/t/oauth2/v2.0/token", "--client-id", EmulatorFixture.AppId, "--scope", "api://orders/.default", "--timeout", "5"]);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal("endpoint_unreachable", result.Json().GetProperty("error").GetString());
        Assert.Null(result.Json().GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("--secret-stdin")]
    [InlineData("--assertion-file", "a.jwt")]
    public async Task Two_credentials_are_a_usage_error(params string[] second)
    {
        var result = await RunWithSecretAsync([.. emulator.EntraArgs(), .. second]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("usage_error", result.Json().GetProperty("error").GetString());
        Assert.Contains("one credential", result.Json().GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_credential_is_a_usage_error_that_lists_the_options()
    {
        var result = await CcToken.RunAsync(emulator.EntraArgs());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--secret-env", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("AZURE_FEDERATED_TOKEN_FILE", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--secret")]
    [InlineData("--client-secret")]
    [InlineData("--client-secret=")]
    public async Task A_secret_given_as_an_argument_is_refused_without_echoing_it(string option)
    {
        string[] args = option.EndsWith('=') ? [.. emulator.EntraArgs(), option + EmulatorFixture.Secret] : [.. emulator.EntraArgs(), option, EmulatorFixture.Secret];

        var result = await CcToken.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("--secret-env NAME", result.Stderr, StringComparison.Ordinal);
        SecretAssert.NotIn(result, EmulatorFixture.Secret);
    }

    [Fact]
    public async Task An_unset_secret_variable_is_a_configuration_error_that_does_not_repeat_what_was_given()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-env", "NOT_SET", "-o", "json"]);

        Assert.Equal(3, result.ExitCode);
        var description = result.Json().GetProperty("error_description").GetString();
        Assert.Contains("--secret-env is not set", description, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT_SET", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_pfx_password_is_a_configuration_error()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--certificate", emulator.PfxPath, "--certificate-password-env", "PFX_PASSWORD", "-o", "json"], new Dictionary<string, string> { ["PFX_PASSWORD"] = "wrong" });

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("password", result.Json().GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    private Task<CliResult> RunWithSecretAsync(string[] args, string secret = EmulatorFixture.Secret) =>
        CcToken.RunAsync([.. args, "--secret-env", "APP_SECRET", "-o", "json"], EmulatorFixture.SecretEnvironment(secret));

    private Task<CliResult> RunWithAssertionAsync(string assertion) =>
        CcToken.RunAsync([.. emulator.EntraArgs(), "--assertion-file", Assertions.File(_directory, assertion), "-o", "json"]);

    private static void AssertEndpointError(CliResult result, int code, string error, int status)
    {
        Assert.True(result.ExitCode == 4, result.ToString());
        var json = result.Json();
        Assert.Equal([code], result.ErrorCodes());
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        Assert.StartsWith($"AADSTS{code}:", json.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("trace_id").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("correlation_id").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("hint").GetString()));
        SecretAssert.NotIn(result, EmulatorFixture.Secret, EmulatorFixture.PfxPassword);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
