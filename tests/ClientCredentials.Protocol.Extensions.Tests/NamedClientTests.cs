using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>Named clients: resolved by factory or key, one shared cache with a key space per name.</summary>
[Collection("loopback")]
public sealed class NamedClientTests(LoopbackFixture fixture)
{
    private async Task<TestHost> StartTwoClientsAsync()
    {
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret));
        var clients = configuration["ClientCredentials"]!.AsObject();
        clients["reports"] = clients["api"]!.DeepClone();
        return await TestHost.StartAsync(fixture, configuration, services => services.AddClientCredentials("reports"));
    }

    [Fact]
    public async Task The_factory_and_the_keyed_service_return_the_same_client_per_name()
    {
        await using var host = await StartTwoClientsAsync();
        var factory = host.Services.GetRequiredService<IClientCredentialsClientFactory>();

        var api = factory.Get("api");

        Assert.Same(api, factory.Get("api"));
        Assert.Same(api, host.Services.GetRequiredKeyedService<ClientCredentialsClient>("api"));
        Assert.NotSame(api, factory.Get("reports"));
        Assert.Equal(LoopbackFixture.SecretClientId, api.ClientId);
    }

    [Fact]
    public async Task An_unknown_name_is_a_configuration_error_naming_its_section()
    {
        await using var host = await StartTwoClientsAsync();

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => host.Services.GetRequiredService<IClientCredentialsClientFactory>().Get("billing"));

        Assert.Equal("ClientCredentials:billing", error.Setting);
        Assert.Contains("api, reports", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Named_clients_share_one_cache_but_not_their_tokens()
    {
        await using var host = await StartTwoClientsAsync();
        var factory = host.Services.GetRequiredService<IClientCredentialsClientFactory>();
        var cache = host.Services.GetRequiredService<TokenCache>();

        var apiToken = await factory.Get("api").GetTokenAsync();
        var reportsToken = await factory.Get("reports").GetTokenAsync();
        var apiAgain = await factory.Get("api").GetTokenAsync();

        Assert.Equal(2, cache.Count);
        Assert.Equal(2, host.TokenRequests.Count);
        Assert.NotEqual(apiToken.Token, reportsToken.Token);
        Assert.Equal(apiToken.Token, apiAgain.Token);
        Assert.Equal(TokenSource.Cache, apiAgain.Source);
    }

    [Fact]
    public async Task Invalidating_one_named_client_leaves_the_other_clients_token_cached()
    {
        await using var host = await StartTwoClientsAsync();
        var factory = host.Services.GetRequiredService<IClientCredentialsClientFactory>();
        var api = await factory.Get("api").GetTokenAsync();
        var reports = await factory.Get("reports").GetTokenAsync();

        Assert.True(factory.Get("api").InvalidateToken(api));

        Assert.Equal(TokenSource.Cache, (await factory.Get("reports").GetTokenAsync()).Source);
        Assert.Equal(reports.Token, (await factory.Get("reports").GetTokenAsync()).Token);
        Assert.Equal(TokenSource.IdentityProvider, (await factory.Get("api").GetTokenAsync()).Source);
    }

    [Fact]
    public async Task A_client_configured_in_code_gets_tokens()
    {
        fixture.Api.Reset();
        var configuration = new JsonObject();
        await using var host = await TestHost.StartAsync(fixture, configuration, clientName: "code", configure: services =>
            services.AddClientCredentials("code", options =>
            {
                options.Instance = fixture.Emulator.BaseAddress.ToString();
                options.TenantId = LoopbackFixture.TenantId;
                options.ClientId = LoopbackFixture.SecretClientId;
                options.Scopes = [LoopbackFixture.ApiScope];
                options.Credential = new ClientSecretCredential(LoopbackFixture.Secret);
            }));

        using var response = await host.ApiClient.GetAsync("orders");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, host.TokenRequests.Count);
    }
}
