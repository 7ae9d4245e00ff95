using ClientCredentials.Cli.Hosting;
using ClientCredentials.Cli.Tests.Infrastructure;

namespace ClientCredentials.Cli.Tests;

/// <summary>
/// <c>cc-token token --managed-identity</c> against the emulator's IMDS and App Service endpoints, reached only through
/// the variables the Azure host would set (never the real 169.254.169.254).
/// </summary>
public sealed class ManagedIdentityCommandTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private Dictionary<string, string> Imds() => new() { ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = emulator.Server.ImdsBaseAddress.AbsoluteUri };

    private Dictionary<string, string> AppService(string header = EmulatorFixture.AppServiceHeader) => new()
    {
        ["IDENTITY_ENDPOINT"] = emulator.Server.AppServiceIdentityEndpoint.AbsoluteUri,
        ["IDENTITY_HEADER"] = header,
    };

    [Fact]
    public async Task The_system_assigned_identity_token_comes_from_IMDS()
    {
        var result = await CcToken.RunAsync(["token", "--managed-identity", "--resource", EmulatorFixture.Resource, "-o", "json"], Imds());

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var claims = await IssuedTokens.ValidateAsync(emulator, result.Json().GetProperty("access_token").GetString()!);
        Assert.Equal(EmulatorFixture.SystemIdentityObjectId, claims.GetPayloadValue<string>("oid"));
        Assert.Equal([EmulatorFixture.Role], claims.GetPayloadValue<string[]>("roles"));
    }

    [Fact]
    public async Task Client_id_names_a_user_assigned_identity()
    {
        var result = await CcToken.RunAsync(["token", "--managed-identity", "--client-id", EmulatorFixture.UserIdentityClientId, "--resource", EmulatorFixture.Resource], Imds());

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var claims = await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
        Assert.Equal(EmulatorFixture.UserIdentityObjectId, claims.GetPayloadValue<string>("oid"));
    }

    [Fact]
    public async Task On_App_Service_the_identity_header_is_sent_and_never_printed()
    {
        var result = await CcToken.RunAsync(["token", "--managed-identity", "--resource", EmulatorFixture.Resource, "--verbose"], AppService());

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("via AppService", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("> X-IDENTITY-HEADER: <redacted sha256:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(EmulatorFixture.AppServiceHeader, result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_identity_header_is_an_endpoint_error_with_the_remedy()
    {
        var result = await CcToken.RunAsync(["token", "--managed-identity", "--resource", EmulatorFixture.Resource, "-o", "json"], AppService("stale-header"));

        Assert.Equal(ExitCodes.EndpointError, result.ExitCode);
        Assert.Contains("IDENTITY_HEADER", result.Json().GetProperty("hint").GetString() + result.Json().GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("stale-header", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--client-id", "not-a-guid", "ManagedIdentityId")]
    public async Task A_malformed_identity_id_is_a_configuration_error(string option, string value, string setting)
    {
        var result = await CcToken.RunAsync(["token", "--managed-identity", option, value, "--resource", EmulatorFixture.Resource, "-o", "json"], Imds());
        Assert.Equal(ExitCodes.Configuration, result.ExitCode);
        Assert.Contains(setting, result.Json().GetProperty("hint").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_loopback_http_IDENTITY_ENDPOINT_is_refused_before_sending()
    {
        var result = await CcToken.RunAsync(["token", "--managed-identity", "--resource", EmulatorFixture.Resource], new Dictionary<string, string>
        {
            ["IDENTITY_ENDPOINT"] = "http://10.20.30.40:4141/MSI/token",
            ["IDENTITY_HEADER"] = "h",
        });
        Assert.Equal(ExitCodes.Configuration, result.ExitCode);
        Assert.Contains("IDENTITY_ENDPOINT", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("plain http", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tenant", "contoso.onmicrosoft.com")]
    [InlineData("--secret-env", "APP_SECRET")]
    public async Task An_authority_or_credential_with_managed_identity_is_a_usage_error(string option, string value)
    {
        var result = await CcToken.RunAsync(["token", "--managed-identity", option, value, "--resource", EmulatorFixture.Resource], Imds());
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_authentication_dpop_and_tls_options_with_managed_identity_are_a_usage_error_naming_each()
    {
        string[] options = ["--client-auth", "basic", "--signing-alg", "PS256", "--assertion-audience", "issuer", "--dpop", "--dpop-key", "key.pem",
            "--dpop-url", "https://api.example/orders", "--dpop-method", "POST", "--dpop-nonce", "n-1", "--tls-ca-file", "ca.pem"];

        var result = await CcToken.RunAsync(["token", "--managed-identity", "--resource", EmulatorFixture.Resource, .. options], Imds());

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        foreach (var option in options.Where(o => o.StartsWith("--", StringComparison.Ordinal)))
        {
            Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
        }

        Assert.Empty(result.Stdout.Trim());
    }
}
