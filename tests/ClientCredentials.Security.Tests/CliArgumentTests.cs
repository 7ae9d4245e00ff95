using System.Text.Json;
using System.Text.Json.Nodes;
using ClientCredentials.Security.Tests.Infrastructure;

namespace ClientCredentials.Security.Tests;

/// <summary>
/// Attack class: CLI argument handling — a secret typed where it does not belong, and server text printed to a
/// terminal. cc-token never echoes an unknown argument verbatim (it names it by position or shows the option name
/// only), never repeats what was given to <c>--secret-env</c>, and prints server text with no control character.
/// </summary>
public sealed class CliArgumentTests
{
    private const string Typed = "Tq8~Xv2.pasted-SECRET-value_91";

    private static readonly string[] Target = ["token", "--token-endpoint", "http://127.0.0.1:9/token", "--client-id", TestIds.ClientId, "--scope", TestIds.Scope];

    public static TheoryData<string[]> SecretsInTheWrongPlace => new()
    {
        { ["--secret:" + Typed] },
        { ["--secret=" + Typed] },
        { ["--secret", Typed] },
        { ["--clientsecret", Typed] },
        { ["--client_secret", Typed] },
        { ["--ClientSecret", Typed] },
        { ["--client-secret:" + Typed] },
        { ["-s", Typed] },
        { ["-s" + Typed] },
        { [Typed] },
        { ["--unknown-option", Typed] },
        { ["--unknown-option=" + Typed] },
        { ["--unknown-option:" + Typed] },
        { ["-o", Typed] },
    };

    [Theory]
    [MemberData(nameof(SecretsInTheWrongPlace))]
    public async Task A_value_typed_in_the_wrong_place_is_reported_without_echoing_it(string[] misplaced)
    {
        var run = await CcToken.RunAsync([.. Target, .. misplaced]);

        Assert.True(run.ExitCode == 2, run.ToString());
        TextAssert.NotIn(run.All, Typed, "cc-token output");
        TextAssert.NotIn(run.All, "pasted-SECRET", "cc-token output");
        Assert.True(run.Stderr.Contains("--help", StringComparison.Ordinal) || run.Stderr.Contains("--secret-env NAME", StringComparison.Ordinal), run.ToString());
    }

    [Fact]
    public async Task A_stray_value_is_named_by_its_position()
    {
        var run = await CcToken.RunAsync([.. Target, "-s", Typed]);

        Assert.True(run.Stderr.Contains("'-s'", StringComparison.Ordinal), run.ToString());
        Assert.Contains($"argument {Target.Length + 2} (not shown)", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_secret_given_to_secret_env_instead_of_a_variable_name_is_not_repeated(bool json)
    {
        string[] output = json ? ["-o", "json"] : [];
        var run = await CcToken.RunAsync([.. Target, "--secret-env", Typed, .. output]);

        Assert.True(run.ExitCode == 3, run.ToString());
        TextAssert.NotIn(run.All, Typed, "cc-token output");
        TextAssert.NotIn(run.All, "pasted-SECRET", "cc-token output");
        var report = json ? JsonDocument.Parse(run.Stdout).RootElement.GetProperty("error_description").GetString()! : run.Stderr;
        Assert.Contains("rotate it", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Server_text_reaches_the_terminal_without_control_characters(bool json)
    {
        var body = new JsonObject
        {
            ["error"] = "invalid_client\u001b[31m",
            ["error_description"] = "AADSTS7000215: Invalid client secret.\u001b]0;pwned\u0007\u001b[2J\r\nforged line\u009b1m\u202e",
            ["error_codes"] = new JsonArray(7000215),
            ["trace_id"] = "trace\r\nFORGED",
            ["correlation_id"] = "corr\u0007",
        };
        await using var endpoint = await LoopbackServer.StartAsync(LoopbackServer.First, Replies.Json(401, body));
        string[] output = json ? ["-o", "json"] : [];

        var run = await CcToken.RunAsync(
            ["token", "--token-endpoint", endpoint.Url("token").AbsoluteUri, "--client-id", TestIds.ClientId, "--scope", TestIds.Scope, "--secret-env", "APP_SECRET", .. output],
            new Dictionary<string, string> { ["APP_SECRET"] = TestIds.Secret });

        Assert.True(run.ExitCode == 4, run.ToString());
        TextAssert.PrintableLines(run.Stdout, "standard output");
        TextAssert.PrintableLines(run.Stderr, "standard error");
        Assert.DoesNotContain("\nforged", run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("\nFORGED", run.All, StringComparison.Ordinal);
        TextAssert.NotIn(run.All, TestIds.Secret, "cc-token output");
    }

    [Fact]
    public async Task A_decoded_token_with_hostile_claims_prints_no_control_characters()
    {
        static string B64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = new JsonObject
        {
            ["aud"] = "api://x\u001b]0;pwned\u0007",
            ["iss"] = "https://issuer\r\nforged: line",
            ["roles"] = new JsonArray("Read\u009b31m", "Write\u202e"),
            ["exp"] = 4102444800,
        };
        var jwt = $"{B64("""{"alg":"none"}""")}.{B64(payload.ToJsonString())}.";

        var run = await CcToken.RunAsync(["decode", jwt]);

        Assert.True(run.ExitCode == 0, run.ToString());
        TextAssert.PrintableLines(run.Stdout, "standard output");
        TextAssert.PrintableLines(run.Stderr, "standard error");
    }
}
