using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>Configuration mistakes stop the host at start-up with a message naming the key to fix.</summary>
[Collection("loopback")]
public sealed class ConfigurationValidationTests(LoopbackFixture fixture)
{
    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "TenantId", "null", "ClientCredentials:api:TenantId is required" },
        { "TenantId", "\"common\"", "ClientCredentials:api:TenantId" },
        { "TenantId", "\"https://login.microsoftonline.com/contoso\"", "ClientCredentials:api:TenantId" },
        { "ClientId", "null", "ClientCredentials:api:ClientId is required" },
        { "TokenEndpoint", "\"https://idp.example.com/token\"", "ClientCredentials:api:TenantId and ClientCredentials:api:TokenEndpoint are all set" },
        { "Scopes", "[\"api://sample-api/.default\", \"https://graph.microsoft.com/.default\"]", "ClientCredentials:api:Scopes" },
        { "Scopes", "[\"Data.Read\"]", "ClientCredentials:api:Scopes" },
        { "Credentials", "null", "ClientCredentials:api:Credentials is empty" },
        { "Credentials", "[{\"SourceType\": \"KeyVault\"}]", "ClientCredentials:api:Credentials:0:SourceType 'KeyVault' is not a credential source" },
        { "Credentials", "[{\"ClientSecret\": \"x\"}]", "ClientCredentials:api:Credentials:0:SourceType is required" },
        { "Credentials", "[{\"SourceType\": \"ClientSecret\", \"ClientSecret\": \"x\"}, {\"SourceType\": \"CertificateFile\"}]", "ClientCredentials:api:Credentials:1:CertificatePath is required" },
        { "Credentials", "[{\"SourceType\": \"CertificateStore\", \"CertificateThumbprint\": \"AB\", \"StoreLocation\": \"Nowhere\"}]", "ClientCredentials:api:Credentials:0:StoreLocation: 'Nowhere' is not one of CurrentUser, LocalMachine" },
        { "Credentials", "[{\"SourceType\": \"CertificateStore\"}]", "ClientCredentials:api:Credentials:0:CertificateThumbprint (or ClientCredentials:api:Credentials:0:CertificateSubject) is required" },
        { "DefaultTokenLifetime", "\"soon\"", "ClientCredentials:api:DefaultTokenLifetime: 'soon' is not a time span such as 00:30:00, or none" },
        { "DefaultTokenLifetime", "\"-00:05:00\"", "ClientCredentials:api:DefaultTokenLifetime must be positive" },
        { "DefaultTokenLifetime", "\"00:00:00\"", "ClientCredentials:api:DefaultTokenLifetime must be positive" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_fails_start_up_naming_the_configuration_key(string key, string json, string expected)
    {
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret));
        var client = configuration["ClientCredentials"]!["api"]!.AsObject();
        client.Remove(key);
        if (JsonNode.Parse(json) is { } value)
        {
            client[key] = value;
        }

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture, configuration));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("api", error.OptionsName);
    }

    [Fact]
    public async Task The_unchanged_configuration_of_the_mistake_cases_starts()
    {
        await using var host = await TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret)));

        Assert.NotNull(host.Services.GetRequiredService<IClientCredentialsClientFactory>().Get("api"));
    }

    [Fact]
    public async Task A_secret_never_appears_in_a_validation_message()
    {
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret("very-secret-value-123"));
        configuration["ClientCredentials"]!["api"]!.AsObject().Remove("TenantId");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture, configuration));

        Assert.DoesNotContain("very-secret-value-123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_configured_in_code_are_validated_too()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddClientCredentials("code", options =>
        {
            options.TenantId = LoopbackFixture.TenantId;
            options.Credential = new ClientSecretCredential("s");
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("ClientCredentials:code:ClientId is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_section_given_explicitly_is_named_by_its_own_path()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Downstream:Orders:ClientId"] = LoopbackFixture.SecretClientId,
            ["Downstream:Orders:Credentials:0:SourceType"] = "ClientSecret",
            ["Downstream:Orders:Credentials:0:ClientSecret"] = "s",
        });
        builder.Services.AddClientCredentials("orders", builder.Configuration.GetSection("Downstream:Orders"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Downstream:Orders:TenantId is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Space_separated_scopes_in_one_string_are_split()
    {
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret));
        configuration["ClientCredentials"]!["api"]!["Scopes"] = "api://sample-api/.default";
        await using var host = await TestHost.StartAsync(fixture, configuration);

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LoopbackFixture.ApiScope, host.TokenRequests.Requests.Single()["scope"].ToString());
    }
}
