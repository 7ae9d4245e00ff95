using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary><c>Region</c> and <c>RegionalInstance</c> in configuration: checked at start-up, applied to the Entra authority.</summary>
[Collection("loopback")]
public sealed class RegionConfigurationTests(LoopbackFixture fixture)
{
    private JsonObject Configuration(string? region, string? regionalInstance = null)
    {
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret));
        var client = configuration["ClientCredentials"]!["api"]!.AsObject();
        if (region is not null)
        {
            client["Region"] = region;
        }

        if (regionalInstance is not null)
        {
            client["RegionalInstance"] = regionalInstance;
        }

        return configuration;
    }

    [Fact]
    public async Task A_region_with_its_regional_instance_is_applied()
    {
        await using var host = await TestHost.StartAsync(fixture, Configuration("westus2", "http://127.0.0.2:9"));
        var client = host.Services.GetRequiredService<IClientCredentialsClientFactory>().Get("api");
        Assert.Equal("westus2", client.Authority.Region);
    }

    [Fact]
    public async Task None_turns_regions_off()
    {
        await using var host = await TestHost.StartAsync(fixture, Configuration("none"));
        Assert.Null(host.Services.GetRequiredService<IClientCredentialsClientFactory>().Get("api").Authority.Region);
    }

    [Theory]
    [InlineData("West US 2", null, "ClientCredentials:api:Region")]
    [InlineData("westus2", "not a url", "ClientCredentials:api:RegionalInstance")]
    [InlineData("westus2", null, "ClientCredentials:api:Region")]
    public async Task A_bad_region_fails_start_up_naming_the_key(string region, string? regionalInstance, string key)
    {
        // The last case: an explicit region on the emulator's IP-address instance has no host to put it in front of.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture, Configuration(region, regionalInstance)));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
