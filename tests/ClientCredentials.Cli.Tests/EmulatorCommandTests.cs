using System.Text.RegularExpressions;
using ClientCredentials.Cli.Tests.Infrastructure;

namespace ClientCredentials.Cli.Tests;

/// <summary><c>cc-token emulator</c>: serves tokens from a configuration file until cancelled.</summary>
public sealed class EmulatorCommandTests : IDisposable
{
    private const string Config = """
        {
          // one tenant, one API, one app
          "tenants": [ { "id": "22222222-2222-2222-2222-222222222222", "domains": [ "fabrikam.onmicrosoft.com" ] } ],
          "resources": [ { "appIdUri": "api://inventory", "roles": [ "Inventory.Read" ] } ],
          "applications": [ {
            "clientId": "eeeeeeee-0000-0000-0000-000000000001",
            "secrets": [ { "value": "emulator-command-SECRET-91" } ],
            "roles": { "api://inventory": [ "Inventory.Read" ] }
          } ],
          "protectedApi": { "resource": "api://inventory", "requiredRole": "Inventory.Read" }
        }
        """;

    private static readonly Regex BaseUrl = new(@"Emulator listening on (http://127\.0\.0\.1:\d+)");

    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Serves_tokens_from_the_configuration_until_cancelled_then_exits_0()
    {
        var configPath = _directory.File("emulator.json");
        await File.WriteAllTextAsync(configPath, Config);
        var stdout = new CapturedWriter();
        var stderr = new CapturedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var running = CcToken.StartAsync(["emulator", "--config", configPath], stdout, stderr, stop.Token);
        var baseUrl = await WaitForBaseUrlAsync(stdout, running);

        Assert.Contains($"token (v2):  {baseUrl}/22222222-2222-2222-2222-222222222222/oauth2/v2.0/token", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains($"keys (JWKS): {baseUrl}/22222222-2222-2222-2222-222222222222/discovery/v2.0/keys", stdout.ToString(), StringComparison.Ordinal);
        var token = await CcToken.RunAsync(
            ["token", "--instance", baseUrl, "--tenant", "fabrikam.onmicrosoft.com", "--client-id", "eeeeeeee-0000-0000-0000-000000000001", "--resource", "api://inventory", "--secret-env", "S"],
            new Dictionary<string, string> { ["S"] = "emulator-command-SECRET-91" });
        Assert.True(token.ExitCode == 0, token.ToString());

        await stop.CancelAsync();
        Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("emulator-command-SECRET-91", stdout.ToString() + stderr, StringComparison.Ordinal);
        Assert.Contains("eeeeeeee-0000-0000-0000-000000000001", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_configuration_is_exit_code_3_with_the_reason()
    {
        var configPath = _directory.File("bad.json");
        await File.WriteAllTextAsync(configPath, """{ "tenants": [ { "id": "not-a-guid" } ], "unknownKey": 1 }""");

        var result = await CcToken.RunAsync("emulator", "--config", configPath);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("invalid_configuration", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_option_is_required()
    {
        var result = await CcToken.RunAsync("emulator");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--config", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForBaseUrlAsync(CapturedWriter stdout, Task<int> running)
    {
        var printed = stdout.WaitForAsync(text => BaseUrl.IsMatch(text) && text.Contains("Try:", StringComparison.Ordinal));
        var first = await Task.WhenAny(printed, running).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(first == running, $"The emulator command ended early with exit code {(running.IsCompletedSuccessfully ? running.Result : -1)}.");
        return BaseUrl.Match(await printed).Groups[1].Value;
    }
}
