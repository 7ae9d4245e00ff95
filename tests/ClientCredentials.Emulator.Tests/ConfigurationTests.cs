using System.Net;
using System.Net.Sockets;
using ClientCredentials.Emulator.Tests.Infrastructure;

namespace ClientCredentials.Emulator.Tests;

public sealed class ConfigurationTests
{
    private const string SampleJson = """
    {
      // comments are allowed
      "tenants": [ { "id": "11111111-1111-1111-1111-111111111111", "domains": [ "contoso.onmicrosoft.com" ] } ],
      "resources": [ { "appIdUri": "api://sample-api", "roles": [ "Data.Read" ] } ],
      "applications": [
        {
          "clientId": "aaaaaaaa-0000-0000-0000-000000000001",
          "displayName": "daemon",
          "secrets": [ { "value": "json-secret", "expiresOn": "2999-01-01T00:00:00Z" } ],
          "certificates": [ { "thumbprintSha1": "00112233445566778899AABBCCDDEEFF00112233" } ],
          "roles": { "api://sample-api": [ "Data.Read" ] }
        }
      ],
      "accessTokenLifetime": "00:30:00",
      "faults": { "latencyMilliseconds": 0 },
      "protectedApi": { "resource": "api://sample-api", "requiredRole": "Data.Read" }
    }
    """;

    [Fact]
    public async Task Options_load_from_a_json_file_and_serve_tokens()
    {
        var path = Path.Combine(Path.GetTempPath(), $"emulator-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, SampleJson);
        try
        {
            var options = EmulatorOptions.Load(path);
            await using var emulator = await EmulatorHarness.StartAsync(options);

            var response = await emulator.PostV2Async(EmulatorHarness.SecretForm(secret: "json-secret"));
            var whoami = await emulator.GetAsync("api/whoami", response.String("access_token"));

            Assert.Equal(1800, response.Root.GetProperty("expires_in").GetInt32());
            Assert.Equal(HttpStatusCode.OK, whoami.Status);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_a_configuration_error_naming_the_path()
    {
        var error = Assert.Throws<EmulatorConfigurationException>(() => EmulatorOptions.Load("/nonexistent/emulator.json"));

        Assert.Contains("/nonexistent/emulator.json", error.Message);
    }

    [Theory]
    [InlineData("\"id\": \"11111111-1111-1111-1111-111111111111\"", "\"id\": \"not-a-guid\"", "tenants[0].id")]
    [InlineData("\"roles\": { \"api://sample-api\": [ \"Data.Read\" ] }", "\"roles\": { \"api://sample-api\": [ \"Data.Delete\" ] }", "Data.Delete")]
    [InlineData("\"roles\": { \"api://sample-api\": [ \"Data.Read\" ] }", "\"roles\": { \"api://unknown\": [ \"Data.Read\" ] }", "api://unknown")]
    [InlineData("\"latencyMilliseconds\": 0", "\"failureRate\": 2", "faults.failureRate")]
    [InlineData("\"thumbprintSha1\": \"00112233445566778899AABBCCDDEEFF00112233\"", "\"thumbprintSha1\": \"0011\"", "certificates[0]")]
    [InlineData("\"displayName\": \"daemon\",", "\"displayName\": \"daemon\", \"unknownSetting\": 1,", "unknownSetting")]
    [InlineData("\"requiredRole\": \"Data.Read\"", "\"requiredRole\": \"Admin\"", "protectedApi.requiredRole")]
    public void Invalid_options_name_what_to_fix(string original, string replacement, string expectedInMessage)
    {
        var json = SampleJson.Replace(original, replacement, StringComparison.Ordinal);
        Assert.NotEqual(SampleJson, json);

        var error = Assert.Throws<EmulatorConfigurationException>(() => EmulatorOptions.Parse(json));

        Assert.Contains(expectedInMessage, error.Message);
    }

    [Fact]
    public void App_without_tenant_is_ambiguous_when_several_tenants_exist()
    {
        var options = TestDirectory.Options() with
        {
            Applications = [new EmulatorApplication { ClientId = Guid.NewGuid().ToString(), Secrets = [new EmulatorSecret { Value = "x" }] }],
        };

        var error = Assert.Throws<EmulatorConfigurationException>(options.Validate);

        Assert.Contains("applications[0].tenantId", error.Message);
    }

    [Fact]
    public async Task Applications_registered_at_run_time_can_get_tokens_at_once()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var clientId = Guid.NewGuid().ToString();

        emulator.Server.RegisterApplication(new EmulatorApplication
        {
            ClientId = clientId,
            TenantId = TestDirectory.Domain,
            Secrets = [new EmulatorSecret { Value = "runtime-secret" }],
            Roles = new Dictionary<string, IReadOnlyList<string>> { [TestDirectory.ApiUri] = ["Data.Read"] },
        });
        var response = await emulator.PostV2Async(EmulatorHarness.SecretForm(clientId, "runtime-secret"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Throws<EmulatorConfigurationException>(() => emulator.Server.RegisterApplication(new EmulatorApplication { ClientId = clientId, TenantId = TestDirectory.TenantId }));
    }

    [Fact]
    public void Secret_values_do_not_appear_in_ToString()
    {
        var secret = new EmulatorSecret { Value = "super-secret-value" };
        var application = new EmulatorApplication { ClientId = TestDirectory.SecretClientId, Secrets = [secret] };

        Assert.DoesNotContain("super-secret-value", secret.ToString());
        Assert.DoesNotContain("super-secret-value", application.ToString());
    }

    [Fact]
    public async Task Busy_port_is_a_clear_error()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => EmulatorServer.StartAsync(TestDirectory.Options(), port));

        Assert.Contains($"127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task Server_binds_loopback_on_a_free_port_and_stops_on_dispose()
    {
        var emulator = await EmulatorServer.StartAsync(TestDirectory.Options());
        var baseAddress = emulator.BaseAddress;
        Assert.Equal("127.0.0.1", baseAddress.Host);
        Assert.NotEqual(0, baseAddress.Port);

        await emulator.DisposeAsync();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(baseAddress, $"{TestDirectory.TenantId}/discovery/v2.0/keys")));
    }
}
