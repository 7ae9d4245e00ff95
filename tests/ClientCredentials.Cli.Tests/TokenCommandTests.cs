using System.Net.Http.Headers;
using ClientCredentials.Cli.Tests.Infrastructure;

namespace ClientCredentials.Cli.Tests;

/// <summary><c>cc-token token</c> against the emulator: every credential kind yields a token that validates.</summary>
public sealed class TokenCommandTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Secret_from_an_environment_variable_gets_a_token_that_validates_against_the_JWKS()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET"], EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        var token = await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
        Assert.Equal([EmulatorFixture.Role], IssuedTokens.Roles(token));
        Assert.Equal(EmulatorFixture.AppId, token.GetPayloadValue<string>("azp"));
        Assert.Equal(string.Empty, result.Stderr);
        SecretAssert.NotIn(result, EmulatorFixture.Secret);
    }

    [Fact]
    public async Task Secret_from_standard_input_gets_a_token_and_a_trailing_newline_is_not_part_of_the_secret()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-stdin"], new Dictionary<string, string>(), stdin: EmulatorFixture.Secret + "\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
        SecretAssert.NotIn(result, EmulatorFixture.Secret);
    }

    [Fact]
    public async Task Verbose_shows_the_request_with_the_secret_redacted()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET", "--verbose"], EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"> POST {emulator.TokenEndpoint}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("client_secret=<redacted sha256:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"client_id={EmulatorFixture.AppId}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("grant_type=client_credentials", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("< HTTP 200 OK after", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("client-request-id:", result.Stderr, StringComparison.OrdinalIgnoreCase);
        var token = result.Stdout.Trim();
        Assert.DoesNotContain(token, result.Stderr, StringComparison.Ordinal);
        SecretAssert.NotIn(result, EmulatorFixture.Secret);
    }

    [Fact]
    public async Task Verbose_with_a_certificate_redacts_the_client_assertion()
    {
        var result = await CcToken.RunAsync(
            [.. emulator.EntraArgs(), "--certificate", emulator.PfxPath, "--certificate-password-env", "PFX_PASSWORD", "--verbose"],
            EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("client_assertion=<redacted sha256:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"client_assertion=eyJ", result.Stderr);
        SecretAssert.NotIn(result, EmulatorFixture.PfxPassword);
    }

    [Fact]
    public async Task Password_protected_pfx_gets_a_token()
    {
        var result = await CcToken.RunAsync(
            [.. emulator.EntraArgs(), "--certificate", emulator.PfxPath, "--certificate-password-stdin"],
            new Dictionary<string, string>(),
            stdin: EmulatorFixture.PfxPassword + "\r\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        var token = await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
        Assert.Equal("2", token.GetPayloadValue<string>("azpacr"));
        SecretAssert.NotIn(result, EmulatorFixture.PfxPassword);
    }

    [Fact]
    public async Task Pem_with_certificate_and_key_gets_a_token()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--certificate", emulator.PemPath]);

        Assert.True(result.ExitCode == 0, result.ToString());
        await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
    }

    [Fact]
    public async Task Send_x5c_lets_an_app_registered_by_thumbprint_only_authenticate()
    {
        var without = await CcToken.RunAsync([.. emulator.EntraArgs(EmulatorFixture.ThumbprintOnlyAppId), "--certificate", emulator.ThumbprintOnlyPfxPath, "-o", "json"]);
        var with = await CcToken.RunAsync([.. emulator.EntraArgs(EmulatorFixture.ThumbprintOnlyAppId), "--certificate", emulator.ThumbprintOnlyPfxPath, "--send-x5c"]);

        Assert.Equal(4, without.ExitCode);
        Assert.Equal([700027], without.ErrorCodes());
        Assert.True(with.ExitCode == 0, with.ToString());
        await IssuedTokens.ValidateAsync(emulator, with.Stdout.Trim());
    }

    [Fact]
    public async Task Json_output_carries_the_token_and_its_metadata()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET", "--output", "json"], EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        await IssuedTokens.ValidateAsync(emulator, json.GetProperty("access_token").GetString()!);
        Assert.Equal("Bearer", json.GetProperty("token_type").GetString());
        Assert.InRange(json.GetProperty("expires_in").GetInt64(), 3500, 3599);
        Assert.Equal("api://orders/.default", json.GetProperty("scope").GetString());
        Assert.StartsWith("sha256:", json.GetProperty("fingerprint").GetString(), StringComparison.Ordinal);
        SecretAssert.NotIn(result, EmulatorFixture.Secret);
    }

    [Fact]
    public async Task Header_output_is_a_usable_authorization_header_for_the_protected_api()
    {
        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET", "-o", "header"], EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = result.Stdout.Trim();
        Assert.StartsWith("Authorization: Bearer ey", line, StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Server.BaseAddress, "api/whoami"));
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(line["Authorization: ".Length..]);
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Tenant_domain_and_explicit_scope_work_like_tenant_id_and_resource()
    {
        var result = await CcToken.RunAsync(
            ["token", "--instance", emulator.Instance, "--tenant", EmulatorFixture.TenantDomain, "--client-id", EmulatorFixture.AppId, "--scope", "api://orders/.default", "--secret-env", "APP_SECRET"],
            EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
    }

    [Fact]
    public async Task Workload_identity_variables_are_used_when_no_authority_client_or_credential_option_is_given()
    {
        using var directory = new TestDirectory();
        var tokenFile = directory.File("token");
        await File.WriteAllTextAsync(tokenFile, emulator.FederatedToken(TimeSpan.FromHours(1)));
        var environment = new Dictionary<string, string>
        {
            ["AZURE_CLIENT_ID"] = EmulatorFixture.FederatedAppId,
            ["AZURE_TENANT_ID"] = EmulatorFixture.TenantId,
            ["AZURE_AUTHORITY_HOST"] = emulator.Instance + "/",
            ["AZURE_FEDERATED_TOKEN_FILE"] = tokenFile,
        };

        var result = await CcToken.RunAsync(["token", "--resource", EmulatorFixture.Resource], environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var token = await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
        Assert.Equal(EmulatorFixture.FederatedAppId, token.GetPayloadValue<string>("azp"));
    }

    [Fact]
    public async Task An_expired_federated_token_file_is_refused_before_sending()
    {
        using var directory = new TestDirectory();
        var tokenFile = directory.File("token");
        var expired = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = EmulatorFixture.FederatedIssuer,
            Expires = DateTime.UtcNow.AddMinutes(-10),
            NotBefore = DateTime.UtcNow.AddHours(-1),
            IssuedAt = DateTime.UtcNow.AddHours(-1),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(emulator.FederatedKey), "RS256"),
        });
        await File.WriteAllTextAsync(tokenFile, expired);
        var environment = new Dictionary<string, string>
        {
            ["AZURE_CLIENT_ID"] = EmulatorFixture.FederatedAppId,
            ["AZURE_FEDERATED_TOKEN_FILE"] = tokenFile,
        };

        var result = await CcToken.RunAsync(["token", "--instance", emulator.Instance, "--tenant", EmulatorFixture.TenantId, "--resource", EmulatorFixture.Resource, "-o", "json", "-v"], environment);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("AADSTS700024", result.Json().GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("> POST", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assertion_file_from_the_assertion_command_gets_a_token()
    {
        using var directory = new TestDirectory();
        var assertion = await CcToken.RunAsync(
            ["assertion", "--instance", emulator.Instance, "--tenant", EmulatorFixture.TenantId, "--client-id", EmulatorFixture.AppId, "--certificate", emulator.PfxWithoutPasswordPath]);
        Assert.True(assertion.ExitCode == 0, assertion.ToString());
        var file = Assertions.File(directory, assertion.Stdout.Trim());

        var result = await CcToken.RunAsync([.. emulator.EntraArgs(), "--assertion-file", file]);

        Assert.True(result.ExitCode == 0, result.ToString());
        await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
    }

    [Fact]
    public async Task Help_lists_the_exit_codes()
    {
        var result = await CcToken.RunAsync("token", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Exit codes:", result.Stdout, StringComparison.Ordinal);
        foreach (var line in new[] { "2     usage", "3     configuration", "4     the token endpoint answered an error", "5     network", "6     throttled" })
        {
            Assert.Contains(line, result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("--secret-env", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issuer_discovery_finds_the_token_endpoint_and_a_certificate_assertion_is_accepted()
    {
        var issuer = emulator.Server.GetIssuer(EmulatorFixture.TenantId).AbsoluteUri;

        var result = await CcToken.RunAsync(
            ["token", "--issuer", issuer, "--client-id", EmulatorFixture.AppId, "--scope", "api://orders/.default", "--certificate", emulator.PfxWithoutPasswordPath, "-v"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"> GET {issuer}/.well-known/openid-configuration", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"> POST {emulator.TokenEndpoint}", result.Stderr, StringComparison.Ordinal);
        await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
    }
}
