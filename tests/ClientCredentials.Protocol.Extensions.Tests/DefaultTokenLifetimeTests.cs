using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>
/// <c>DefaultTokenLifetime</c> from configuration: the lifetime a named client assumes when a generic OAuth 2.0 server
/// answers without <c>expires_in</c> (RFC 6749 §5.1 makes it optional), or <c>none</c> to refuse such answers. In the
/// loopback collection because its failed request would show in the process-wide metrics the observability tests read.
/// </summary>
[Collection("loopback")]
public sealed class DefaultTokenLifetimeTests
{
    [Fact]
    public async Task A_configured_lifetime_is_used_when_the_server_sends_no_expires_in()
    {
        using var server = TokenWithoutLifetime();
        await using var services = ClientFor(server, defaultTokenLifetime: "00:20:00");
        var before = DateTimeOffset.UtcNow;

        var token = await services.GetRequiredService<IClientCredentialsClientFactory>().Get("generic").GetTokenAsync();

        Assert.InRange(token.ExpiresOn, before + TimeSpan.FromMinutes(20), DateTimeOffset.UtcNow + TimeSpan.FromMinutes(20));
    }

    [Fact]
    public async Task Without_the_key_the_lifetime_is_one_hour()
    {
        using var server = TokenWithoutLifetime();
        await using var services = ClientFor(server, defaultTokenLifetime: null);
        var before = DateTimeOffset.UtcNow;

        var token = await services.GetRequiredService<IClientCredentialsClientFactory>().Get("generic").GetTokenAsync();

        Assert.InRange(token.ExpiresOn, before + TimeSpan.FromHours(1), DateTimeOffset.UtcNow + TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task None_refuses_an_answer_without_expires_in()
    {
        using var server = TokenWithoutLifetime();
        await using var services = ClientFor(server, defaultTokenLifetime: "none");

        var error = await Assert.ThrowsAsync<TokenEndpointException>(async () =>
            await services.GetRequiredService<IClientCredentialsClientFactory>().Get("generic").GetTokenAsync());

        Assert.Equal("invalid_response", error.Error);
        Assert.Contains("expires_in", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lifetime-less-token", error.ToString(), StringComparison.Ordinal);
    }

    private static LoopbackWireMock TokenWithoutLifetime()
    {
        var server = LoopbackWireMock.Start();
        server.Stub(WireMockResponses.Post("/oauth2/token"), WireMockResponses.Json(200, new JsonObject { ["access_token"] = "lifetime-less-token", ["token_type"] = "Bearer" }));
        return server;
    }

    private static ServiceProvider ClientFor(LoopbackWireMock server, string? defaultTokenLifetime)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TokenEndpoint"] = server.Url("oauth2/token").AbsoluteUri,
            ["ClientId"] = "generic-client",
            ["Scopes"] = "orders.read",
            ["Credentials:0:SourceType"] = "ClientSecret",
            ["Credentials:0:ClientSecret"] = "generic-secret",
        };
        if (defaultTokenLifetime is not null)
        {
            settings["DefaultTokenLifetime"] = defaultTokenLifetime;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddClientCredentials("generic", configuration).BuildServiceProvider();
    }
}
