using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using ClientCredentials.Cli.Tests.Infrastructure;
using ClientCredentials.Protocol;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Cli.Tests;

/// <summary><c>cert new</c> writes usable files and prints the right thumbprints; <c>assertion</c> prints what the library sends.</summary>
public sealed class CertAndAssertionCommandTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Cert_new_writes_a_password_protected_pfx_and_public_files_and_prints_their_thumbprints()
    {
        var result = await CcToken.RunAsync(
            ["cert", "new", "--name", "daemon", "--directory", _directory.Path, "--subject", "CN=daemon", "--password-env", "PFX_PASSWORD"],
            new Dictionary<string, string> { ["PFX_PASSWORD"] = "cert-Pa55" });

        Assert.True(result.ExitCode == 0, result.ToString());
        using var pfx = X509CertificateLoader.LoadPkcs12FromFile(_directory.File("daemon.pfx"), "cert-Pa55");
        Assert.True(pfx.HasPrivateKey);
        Assert.Equal("CN=daemon", pfx.Subject);
        Assert.Throws<CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(_directory.File("daemon.pfx"), null));
        using var cer = X509CertificateLoader.LoadCertificateFromFile(_directory.File("daemon.cer"));
        using var pem = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_directory.File("daemon.pem")));
        Assert.Equal(pfx.RawData, cer.RawData);
        Assert.Equal(pfx.RawData, pem.RawData);
        Assert.False(cer.HasPrivateKey);
        Assert.Equal(pfx.Thumbprint, Field(result, "Thumbprint (SHA-1)"));
        Assert.Equal(CertificateThumbprints.X5t(pfx), Field(result, "x5t"));
        Assert.Equal(CertificateThumbprints.X5tS256(pfx), Field(result, "x5t#S256"));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(pfx.RawData)), Field(result, "SHA-256"));
        Assert.DoesNotContain("NOT password-protected", result.Stderr, StringComparison.Ordinal);
        SecretAssert.NotIn(result, "cert-Pa55");
    }

    [Fact]
    public async Task Cert_new_without_a_password_warns_and_the_pfx_signs_a_token_request()
    {
        var result = await CcToken.RunAsync("cert", "new", "--name", "nopass", "--directory", _directory.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("NOT password-protected", result.Stderr, StringComparison.Ordinal);
        using var pfx = X509CertificateLoader.LoadPkcs12FromFile(_directory.File("nopass.pfx"), null);
        Assert.True(pfx.HasPrivateKey);
        Assert.Equal(2048, pfx.GetRSAPublicKey()!.KeySize);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_directory.File("nopass.pfx")));
        }
    }

    [Fact]
    public async Task Cert_new_refuses_to_overwrite_without_force()
    {
        Assert.Equal(0, (await CcToken.RunAsync("cert", "new", "--name", "twice", "--directory", _directory.Path)).ExitCode);
        var before = await File.ReadAllBytesAsync(_directory.File("twice.cer"));

        var again = await CcToken.RunAsync("cert", "new", "--name", "twice", "--directory", _directory.Path);
        var forced = await CcToken.RunAsync("cert", "new", "--name", "twice", "--directory", _directory.Path, "--force");

        Assert.Equal(3, again.ExitCode);
        Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(before, await File.ReadAllBytesAsync(_directory.File("twice.cer")));
    }

    [Fact]
    public async Task Assertion_for_Entra_is_PS256_signed_by_the_certificate_for_the_token_endpoint()
    {
        var result = await CcToken.RunAsync(["assertion", "--instance", emulator.Instance, "--tenant", EmulatorFixture.TenantId, "--client-id", EmulatorFixture.AppId, "--certificate", emulator.PfxPath, "--certificate-password-env", "PFX_PASSWORD"], EmulatorFixture.SecretEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        ClientAssertionValidator.Validate(result.Stdout.Trim(), new ExpectedClientAssertion
        {
            ClientId = EmulatorFixture.AppId,
            Audience = emulator.TokenEndpoint,
            Certificate = emulator.Certificate,
            Algorithm = "PS256",
            Lifetime = TimeSpan.FromMinutes(10),
        });
        Assert.Contains($"aud {emulator.TokenEndpoint}", result.Stderr, StringComparison.Ordinal);
        SecretAssert.NotIn(result, EmulatorFixture.PfxPassword);
    }

    [Fact]
    public async Task Assertion_for_a_generic_token_endpoint_is_RS256_with_x5t_and_optional_x5c()
    {
        var endpoint = "https://idp.example/oauth2/token";

        var result = await CcToken.RunAsync("assertion", "--token-endpoint", endpoint, "--client-id", "daemon", "--certificate", emulator.PfxWithoutPasswordPath, "--send-x5c");

        Assert.True(result.ExitCode == 0, result.ToString());
        var jwt = ClientAssertionValidator.Validate(result.Stdout.Trim(), new ExpectedClientAssertion
        {
            ClientId = "daemon",
            Audience = endpoint,
            Certificate = emulator.Certificate,
            Algorithm = "RS256",
        });
        Assert.Equal(CertificateThumbprints.X5t(emulator.Certificate), jwt.Header.X5t);
        using var header = System.Text.Json.JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.RawHeader));
        Assert.Equal(Convert.ToBase64String(emulator.Certificate.RawData), header.RootElement.GetProperty("x5c")[0].GetString());
    }

    [Fact]
    public async Task Assertion_needs_a_certificate()
    {
        var result = await CcToken.RunAsync("assertion", "--tenant", EmulatorFixture.TenantId, "--client-id", EmulatorFixture.AppId);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--certificate", result.Stderr, StringComparison.Ordinal);
    }

    private static string Field(CliResult result, string label)
    {
        var match = Regex.Match(result.Stdout, "^" + Regex.Escape(label) + @":\s+(\S+)\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"'{label}' not found in:\n{result.Stdout}");
        return match.Groups[1].Value;
    }
}
