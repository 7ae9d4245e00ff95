using System.Net;
using System.Text.Json.Nodes;
using ClientCredentials.Protocol.Extensions.Tests.Infrastructure;
using ClientCredentials.Protocol.Testing;
using Microsoft.Extensions.Options;

namespace ClientCredentials.Protocol.Extensions.Tests;

/// <summary>
/// <c>AdditionallyAllowedTenants</c> in configuration, and <see cref="ClientCredentialsHttpRequestOptions.Tenant"/> on a
/// request: one named client calls many tenants, and only the ones configured.
/// </summary>
[Collection("loopback")]
public sealed class AllowedTenantsTests(LoopbackFixture fixture)
{
    private const string AllowedKey = "ClientCredentials:api:AdditionallyAllowedTenants";

    private JsonObject Configuration(JsonNode? allowed)
    {
        var configuration = TestHost.EntraClient(fixture, LoopbackFixture.SecretClientId, TestHost.Secret(LoopbackFixture.Secret));
        if (allowed is not null)
        {
            configuration["ClientCredentials"]!["api"]!["AdditionallyAllowedTenants"] = allowed;
        }

        return configuration;
    }

    private static HttpRequestMessage OrdersFor(string tenant)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "orders");
        request.Options.Set(ClientCredentialsHttpRequestOptions.Tenant, tenant);
        return request;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_request_for_an_allowed_tenant_gets_its_token_from_that_tenant(bool asList)
    {
        fixture.Api.Reset();
        JsonNode allowed = asList ? new JsonArray(TestIds.OtherTenantId) : JsonValue.Create($"33333333-3333-3333-3333-333333333333 {TestIds.OtherTenantId}")!;
        await using var host = await TestHost.StartAsync(fixture, Configuration(allowed));

        using (var own = await host.ApiClient.GetAsync("orders"))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }

        // The emulator has no registration of this app in the other tenant: its refusal shows where the request went.
        using var request = OrdersFor(TestIds.OtherTenantId);
        var error = await Assert.ThrowsAsync<TokenEndpointException>(() => host.ApiClient.SendAsync(request));

        Assert.Equal([$"/{LoopbackFixture.TenantId}/oauth2/v2.0/token", $"/{TestIds.OtherTenantId}/oauth2/v2.0/token"], host.TokenRequests.Paths);
        Assert.Single(fixture.Api.Calls);
        Assert.NotNull(error.Error);
    }

    [Fact]
    public async Task The_own_tenant_named_on_a_request_in_another_case_is_served_from_the_cache()
    {
        fixture.Api.Reset();
        await using var host = await TestHost.StartAsync(fixture, Configuration(null));

        using (var first = await host.ApiClient.GetAsync("orders"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var request = OrdersFor(LoopbackFixture.TenantId.ToUpperInvariant());
        using var second = await host.ApiClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, host.TokenRequests.Count);
    }

    [Fact]
    public async Task A_request_for_a_tenant_that_is_not_allowed_is_not_sent_and_names_the_key()
    {
        fixture.Api.Reset();
        await using var host = await TestHost.StartAsync(fixture, Configuration(new JsonArray("33333333-3333-3333-3333-333333333333")));

        using var request = OrdersFor(TestIds.OtherTenantId);
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => host.ApiClient.SendAsync(request));

        Assert.Equal(AllowedKey, error.Setting);
        Assert.Contains(TestIds.OtherTenantId, error.Message, StringComparison.Ordinal);
        Assert.Contains("\"*\"", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.TokenRequests.Count);
        Assert.Empty(fixture.Api.Calls);
    }

    [Fact]
    public async Task A_star_allows_any_tenant_but_a_multi_tenant_alias_is_still_refused_before_sending()
    {
        fixture.Api.Reset();
        await using var host = await TestHost.StartAsync(fixture, Configuration(new JsonArray("*")));

        using var request = OrdersFor("common");
        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(() => host.ApiClient.SendAsync(request));

        Assert.Equal("Tenant", error.Setting);
        Assert.Equal(0, host.TokenRequests.Count);
        Assert.Empty(fixture.Api.Calls);
    }

    [Theory]
    [InlineData("common")]
    [InlineData("https://login.microsoftonline.com/contoso")]
    [InlineData("contoso/../x")]
    public async Task A_malformed_entry_fails_start_up_naming_the_key(string entry)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture, Configuration(new JsonArray(entry))));
        Assert.Contains(AllowedKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_is_refused_for_a_server_without_tenants()
    {
        var configuration = Configuration(new JsonArray("*"));
        var api = configuration["ClientCredentials"]!["api"]!.AsObject();
        api.Remove("TenantId");
        api.Remove("Instance");
        api["TokenEndpoint"] = new Uri(fixture.Emulator.BaseAddress, $"{LoopbackFixture.TenantId}/oauth2/v2.0/token").ToString();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture, configuration));

        Assert.Contains($"{AllowedKey} applies to Entra ID only", error.Message, StringComparison.Ordinal);
    }
}
