using System.Net;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary><c>ClientCapabilities</c> in configuration reach every token request as <c>claims</c>.</summary>
[Collection("loopback")]
public sealed class ClientCapabilitiesConfigurationTests(LoopbackFixture fixture)
{
    private static JsonObject WithCapabilities(JsonObject configuration, JsonNode capabilities)
    {
        configuration["ClientCredentials"]!["api"]!["ClientCapabilities"] = capabilities;
        return configuration;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cp1_from_configuration_is_sent_as_claims(bool asList)
    {
        fixture.Api.Reset();
        var configuration = WithCapabilities(TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret)), asList ? new JsonArray("cp1") : JsonValue.Create("cp1")!);
        await using var host = await TestHost.StartAsync(fixture, configuration);

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = JsonNode.Parse(host.TokenRequests.Requests.Single()["claims"].ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"access_token":{"xms_cc":{"values":["cp1"]}}}"""), claims));
    }

    [Fact]
    public async Task A_malformed_capability_fails_start_up_naming_the_key()
    {
        var configuration = WithCapabilities(TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret)), new JsonArray("cp\"1"));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture, configuration));
        Assert.Contains("ClientCredentials:api:ClientCapabilities", error.Message, StringComparison.Ordinal);
    }
}
