using System.Net;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>
/// One block in the <c>Credentials</c> list makes the app keyless: the resource's managed identity token is the
/// client assertion. The emulator plays both IMDS (reached through the block's <c>ImdsEndpoint</c>) and Entra.
/// </summary>
[Collection("loopback")]
public sealed class ManagedIdentityCredentialSourceTests(LoopbackFixture fixture)
{
    private JsonObject Block(string? clientId = LoopbackFixture.IdentityClientId) => new()
    {
        ["SourceType"] = "ManagedIdentity",
        ["ManagedIdentityClientId"] = clientId,
        ["ImdsEndpoint"] = fixture.Emulator.ImdsBaseAddress.AbsoluteUri,
    };

    [Fact]
    public async Task The_managed_identity_block_authenticates_the_app_without_a_secret()
    {
        fixture.Api.Reset();
        await using var host = await TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.KeylessClientId, new JsonArray(Block())));

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = new JsonWebToken(fixture.Api.Calls[^1].BearerToken);
        Assert.Equal(LoopbackFixture.KeylessClientId, token.GetPayloadValue<string>("azp"));
        Assert.Equal("2", token.GetPayloadValue<string>("azpacr"));
        Assert.Contains(host.Logs.Entries, e => e.EventId == 3102 && e.Message.Contains("(ManagedIdentity)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ManagedIdentityClientId", "not-a-guid")]
    [InlineData("ManagedIdentityObjectId", "1234")]
    [InlineData("ManagedIdentityResourceId", "/subscriptions/x/id")]
    [InlineData("ImdsEndpoint", "not a url")]
    public async Task A_malformed_value_fails_start_up_naming_the_key(string key, string value)
    {
        var block = new JsonObject { ["SourceType"] = "ManagedIdentity", [key] = value };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.KeylessClientId, new JsonArray(block))));
        Assert.Contains($"ClientCredentials:api:Credentials:0:{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_identity_ids_fail_start_up()
    {
        var block = Block();
        block["ManagedIdentityObjectId"] = LoopbackFixture.IdentityObjectId;
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture, TestHost.EntraClient(fixture, LoopbackFixture.KeylessClientId, new JsonArray(block))));
        Assert.Contains("one way only", error.Message, StringComparison.Ordinal);
    }
}
