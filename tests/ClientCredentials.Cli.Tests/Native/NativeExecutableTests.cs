using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using ClientCredentials.Cli.Tests.Infrastructure;
using ClientCredentials.Protocol;

namespace ClientCredentials.Cli.Tests.Native;

/// <summary>
/// The native cc-token, run as its own process, against the emulator on loopback: the commands a user runs work
/// without the JIT, with the same output and exit codes as the managed build.
/// </summary>
public sealed class NativeExecutableTests(NativeBuild native, EmulatorFixture emulator) : IClassFixture<NativeBuild>, IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly Regex BaseUrl = new(@"Emulator listening on (http://127\.0\.0\.1:\d+)");

    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Token_with_a_secret_prints_a_token_the_resource_accepts()
    {
        var result = await native.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET"], EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        var token = await IssuedTokens.ValidateAsync(emulator, result.Stdout.Trim());
        Assert.Equal(EmulatorFixture.AppId, token.GetClaim("azp").Value);
        Assert.Equal([EmulatorFixture.Role], IssuedTokens.Roles(token));
        SecretAssert.NotIn(result, EmulatorFixture.Secret);
    }

    [Fact]
    public async Task Token_with_a_certificate_signs_the_assertion_natively()
    {
        var result = await native.RunAsync(
            [.. emulator.EntraArgs(), "--certificate", emulator.PfxPath, "--certificate-password-env", "PFX_PASSWORD", "--output", "json"],
            EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        var token = await IssuedTokens.ValidateAsync(emulator, result.Json().GetProperty("access_token").GetString()!);
        Assert.Equal("2", token.GetClaim("azpacr").Value);
        SecretAssert.NotIn(result, EmulatorFixture.PfxPassword);
    }

    [Fact]
    public async Task A_wrong_secret_is_exit_code_4_with_the_AADSTS_code_as_json()
    {
        var result = await native.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET", "--output", "json"], EmulatorFixture.SecretEnvironment("not-the-secret-VALUE_31"));

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Equal("invalid_client", result.Json().GetProperty("error").GetString());
        Assert.Equal([7000215], result.ErrorCodes());
        SecretAssert.NotIn(result, "not-the-secret-VALUE_31");
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_exit_code_5()
    {
        var result = await native.RunAsync(
            ["token", "--token-endpoint", $"http://127.0.0.1:{ClosedPort()}/t/oauth2/v2.0/token", "--client-id", EmulatorFixture.AppId, "--scope", "api://orders/.default", "--secret-env", "APP_SECRET", "--timeout", "5", "--output", "json"],
            EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal("endpoint_unreachable", result.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_secret_given_as_an_argument_is_exit_code_2_and_not_echoed()
    {
        var result = await native.RunAsync([.. emulator.EntraArgs(), "--client-secret", "argv-secret-VALUE_77"]);

        Assert.Equal(2, result.ExitCode);
        SecretAssert.NotIn(result, "argv-secret-VALUE_77");
    }

    [Fact]
    public async Task Decode_reads_a_token_from_stdin_and_prints_claims_and_summary()
    {
        var token = await native.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET"], EmulatorFixture.SecretEnvironment());
        Assert.True(token.ExitCode == 0, token.ToString());

        var result = await native.RunAsync(["decode", "-"], stdin: token.Stdout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"alg\": \"RS256\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"\"azp\": \"{EmulatorFixture.AppId}\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"aud    {EmulatorFixture.ResourceAppId}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"roles  {EmulatorFixture.Role}", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"exp    \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 59 min\)", result.Stdout);
    }

    [Fact]
    public async Task Decode_of_a_malformed_token_is_exit_code_3()
    {
        var result = await native.RunAsync(["decode", "not.a-jwt"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Assertion_is_PS256_signed_by_the_certificate_for_the_token_endpoint()
    {
        var result = await native.RunAsync(
            ["assertion", "--instance", emulator.Instance, "--tenant", EmulatorFixture.TenantId, "--client-id", EmulatorFixture.AppId, "--certificate", emulator.PfxPath, "--certificate-password-env", "PFX_PASSWORD"],
            EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        ClientAssertionValidator.Validate(result.Stdout.Trim(), new ExpectedClientAssertion
        {
            ClientId = EmulatorFixture.AppId,
            Audience = emulator.TokenEndpoint,
            Certificate = emulator.Certificate,
            Algorithm = "PS256",
            Lifetime = TimeSpan.FromMinutes(10),
        });
    }

    [Fact]
    public async Task Cert_new_writes_a_pfx_only_its_owner_reads_and_prints_its_thumbprints()
    {
        var result = await native.RunAsync(
            ["cert", "new", "--name", "daemon", "--directory", _directory.Path, "--subject", "CN=native daemon", "--password-env", "PW"],
            new Dictionary<string, string> { ["PW"] = "native-Pa55" });

        Assert.True(result.ExitCode == 0, result.ToString());
        using var pfx = X509CertificateLoader.LoadPkcs12FromFile(_directory.File("daemon.pfx"), "native-Pa55");
        Assert.True(pfx.HasPrivateKey);
        Assert.Equal("CN=native daemon", pfx.Subject);
        Assert.Contains($"Thumbprint (SHA-1): {pfx.Thumbprint}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"x5t#S256:           {CertificateThumbprints.X5tS256(pfx)}", result.Stdout, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_directory.File("daemon.pfx")));
        }

        SecretAssert.NotIn(result, "native-Pa55");
    }

    [Fact]
    public async Task Emulator_serves_a_configuration_file_until_terminated_then_exits_0()
    {
        var config = _directory.File("emulator.json");
        await File.WriteAllTextAsync(config, """
            {
              // comments and defaults: the configuration is read without reflection in the native build
              "tenants": [ { "id": "33333333-3333-3333-3333-333333333333" } ],
              "resources": [ { "appIdUri": "api://native" } ],
              "applications": [ { "clientId": "cccccccc-0000-0000-0000-000000000003", "secrets": [ { "value": "native-emulator-SECRET-5" } ] } ],
            }
            """);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var emulatorProcess = new Process { StartInfo = NativeProcess.StartInfo(native.Executable, ["emulator", "--config", config], _directory.Path, null) };
        emulatorProcess.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && BaseUrl.Match(text) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        };
        emulatorProcess.Start();
        emulatorProcess.BeginOutputReadLine();
        var stderr = emulatorProcess.StandardError.ReadToEndAsync();
        try
        {
            var baseUrl = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

            var token = await native.RunAsync(
                ["token", "--instance", baseUrl, "--tenant", "33333333-3333-3333-3333-333333333333", "--client-id", "cccccccc-0000-0000-0000-000000000003", "--resource", "api://native", "--secret-env", "S", "--output", "json"],
                new Dictionary<string, string> { ["S"] = "native-emulator-SECRET-5" });

            Assert.True(token.ExitCode == 0, token.ToString());
            Assert.InRange(token.Json().GetProperty("expires_in").GetInt32(), 3500, 3599);
        }
        finally
        {
            // SIGTERM, as a service manager stops it: a test host started from a background shell inherits SIGINT as
            // ignored (POSIX job control), so Ctrl+C cannot be simulated reliably there.
            using var interrupt = Process.Start("kill", ["-TERM", emulatorProcess.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await interrupt.WaitForExitAsync();
            await emulatorProcess.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(0, emulatorProcess.ExitCode);
        Assert.Contains("Stopping the emulator.", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_runs_the_emulator_and_every_credential_end_to_end()
    {
        var result = await native.RunAsync(["demo"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("with the token:    HTTP 200", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Done: three tokens acquired (secret, certificate, keyless), one API call authorized, one cache hit.", result.Stdout, StringComparison.Ordinal);
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
