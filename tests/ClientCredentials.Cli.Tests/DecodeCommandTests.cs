using System.Text;
using ClientCredentials.Cli.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Cli.Tests;

/// <summary><c>cc-token decode</c>: header and claims, times in UTC and relative, roles, and the no-roles warning.</summary>
public sealed class DecodeCommandTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static readonly DateTimeOffset Issued = new(2030, 1, 15, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Decodes_an_issued_token_with_audience_roles_and_expiry()
    {
        var token = await CcToken.RunAsync([.. emulator.EntraArgs(), "--secret-env", "APP_SECRET"], EmulatorFixture.SecretEnvironment());
        Assert.Equal(0, token.ExitCode);

        var result = await CcToken.RunAsync("decode", token.Stdout.Trim());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Signature NOT validated", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"alg\": \"RS256\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"aud    {EmulatorFixture.ResourceAppId}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"roles  {EmulatorFixture.Role}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("kind   app-only token", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"exp    \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 59 min\)", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Times_are_shown_in_UTC_and_relative_to_now()
    {
        var jwt = Unsigned(new { aud = "api://x", iat = Issued.ToUnixTimeSeconds(), nbf = Issued.ToUnixTimeSeconds(), exp = Issued.AddHours(1).ToUnixTimeSeconds(), idtyp = "app", roles = new[] { "A.Read" } });

        var result = await CcToken.RunAsync(["decode", jwt], new Dictionary<string, string>(), timeProvider: new TestClock(Issued.AddMinutes(3)));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("iat    2030-01-15 10:00:00 UTC (3 min ago)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("exp    2030-01-15 11:00:00 UTC (in 57 min)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_token_without_roles_gets_the_insufficient_privileges_warning()
    {
        var jwt = Unsigned(new { aud = "https://graph.microsoft.com", idtyp = "app", exp = Issued.AddHours(1).ToUnixTimeSeconds() });

        var result = await CcToken.RunAsync(["decode", jwt], new Dictionary<string, string>(), timeProvider: new TestClock(Issued));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("no 'roles'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Insufficient privileges", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delegated_token_with_scp_gets_no_roles_warning()
    {
        var jwt = Unsigned(new { aud = "https://graph.microsoft.com", scp = "User.Read Mail.Read", exp = Issued.AddHours(1).ToUnixTimeSeconds() });

        var result = await CcToken.RunAsync(["decode", jwt], new Dictionary<string, string>(), timeProvider: new TestClock(Issued));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("scp    User.Read, Mail.Read", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("delegated token", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task An_expired_token_is_flagged()
    {
        var jwt = Unsigned(new { aud = "api://x", idtyp = "app", roles = new[] { "A" }, exp = Issued.ToUnixTimeSeconds() });

        var result = await CcToken.RunAsync(["decode", jwt], new Dictionary<string, string>(), timeProvider: new TestClock(Issued.AddHours(2)));

        Assert.Contains("(2 h ago)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("expired 2 h ago", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_the_token_from_standard_input_with_a_dash()
    {
        var jwt = Unsigned(new { aud = "api://from-stdin", idtyp = "app", roles = new[] { "A" } });

        var result = await CcToken.RunAsync(["decode", "-"], new Dictionary<string, string>(), stdin: "Bearer " + jwt + "\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("aud    api://from-stdin", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-jwt", "3 parts")]
    [InlineData("a.b.c.d.e", "encrypted JWE")]
    [InlineData("!!!.e30.", "not Base64url")]
    public async Task Malformed_input_is_a_configuration_error_saying_why(string input, string reason)
    {
        var result = await CcToken.RunAsync("decode", input);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
    }

    private static string Unsigned(object claims) =>
        Base64UrlEncoder.Encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." +
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(claims))) + ".c2ln";
}
