using System.Net;
using ClientCredentials.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ClientCredentials.Emulator.Tests;

/// <summary>The emulated resource's IMDS and App Service managed identity endpoints, and apps trusting their tokens as federated credentials.</summary>
public sealed class ManagedIdentityEndpointTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    private const string ImdsPath = "metadata/identity/oauth2/token";

    private async Task<EndpointResponse> ImdsAsync(string query, bool metadata = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ImdsPath}?{query}");
        if (metadata)
        {
            request.Headers.Add("Metadata", "true");
        }

        return await SendAsync(request);
    }

    private async Task<EndpointResponse> AppServiceAsync(string query, string? header = TestDirectory.AppServiceHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"msi/token?{query}");
        if (header is not null)
        {
            request.Headers.Add("X-IDENTITY-HEADER", header);
        }

        return await SendAsync(request);
    }

    private async Task<EndpointResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await _emulator.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new EndpointResponse(response.StatusCode, body.Length > 0 ? System.Text.Json.JsonDocument.Parse(body) : null, response.Headers, body);
    }

    private static string Resource(string uri) => Uri.EscapeDataString(uri);

    [Fact]
    public async Task IMDS_issues_the_system_assigned_identitys_token_with_every_number_a_string()
    {
        var response = await ImdsAsync($"api-version=2018-02-01&resource={Resource(TestDirectory.ApiUri)}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.All(["expires_in", "expires_on", "ext_expires_in", "not_before", "resource", "token_type", "client_id"], name => Assert.Equal(System.Text.Json.JsonValueKind.String, response.Root.GetProperty(name).ValueKind));
        Assert.Equal("3599", response.String("expires_in"));
        var token = new JsonWebToken(response.String("access_token"));
        Assert.Equal(TestDirectory.SystemIdentityObjectId, token.GetPayloadValue<string>("oid"));
        Assert.Equal(TestDirectory.SystemIdentityObjectId, token.Subject);
        Assert.Equal(TestDirectory.ApiAppId, token.Audiences.Single());
        Assert.Equal($"{_emulator.Root}/{TestDirectory.TenantId}/v2.0", token.Issuer);
        Assert.Equal(["Data.Read"], token.GetPayloadValue<string[]>("roles"));
    }

    [Theory]
    [InlineData("client_id", TestDirectory.UserIdentityClientId)]
    [InlineData("object_id", TestDirectory.UserIdentityObjectId)]
    [InlineData("msi_res_id", TestDirectory.UserIdentityResourceId)]
    public async Task IMDS_selects_a_user_assigned_identity_by_any_id(string parameter, string value)
    {
        var response = await ImdsAsync($"api-version=2018-02-01&resource={Resource(TestDirectory.ApiUri)}&{parameter}={Uri.EscapeDataString(value)}");
        var token = new JsonWebToken(response.String("access_token"));
        Assert.Equal(TestDirectory.UserIdentityObjectId, token.GetPayloadValue<string>("oid"));
        Assert.Equal(TestDirectory.UserIdentityResourceId, token.GetPayloadValue<string>("xms_mirid"));
    }

    [Fact]
    public async Task IMDS_without_the_Metadata_header_answers_bad_request_102()
    {
        var response = await ImdsAsync($"api-version=2018-02-01&resource={Resource(TestDirectory.ApiUri)}", metadata: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("bad_request_102", response.String("error"));
        Assert.Equal("Required metadata header not specified", response.String("error_description"));
    }

    [Theory]
    [InlineData("api-version=2018-02-01&resource=api%3A%2F%2Fsample-api&client_id=eeeeeeee-0000-0000-0000-000000000000", "Identity not found")]
    [InlineData("api-version=2018-02-01&resource=api%3A%2F%2Fsample-api&client_id=cccccccc-0000-0000-0000-000000000003&object_id=cccccccc-0000-0000-0000-000000000002", "Only one of")]
    [InlineData("api-version=2017-09-01&resource=api%3A%2F%2Fsample-api", "api-version")]
    [InlineData("api-version=2018-02-01", "resource")]
    public async Task IMDS_answers_its_own_short_error_shape(string query, string description)
    {
        var response = await ImdsAsync(query);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.String("error"));
        Assert.Contains(description, response.String("error_description"));
    }

    [Fact]
    public async Task IMDS_relays_an_unknown_resource_as_AADs_full_error_body()
    {
        var response = await ImdsAsync($"api-version=2018-02-01&resource={Resource("https://unknown.example.com")}");
        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_resource", 500011);
        Assert.False(string.IsNullOrEmpty(response.String("trace_id")));
    }

    [Fact]
    public async Task App_Service_checks_X_IDENTITY_HEADER_and_answers_in_its_own_shape()
    {
        var missing = await AppServiceAsync($"api-version=2019-08-01&resource={Resource(TestDirectory.ApiUri)}", header: null);
        var wrong = await AppServiceAsync($"api-version=2019-08-01&resource={Resource(TestDirectory.ApiUri)}", header: "guess");
        foreach (var response in new[] { missing, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
            Assert.Equal(401, response.Root.GetProperty("statusCode").GetInt32());
            Assert.Contains("X-IDENTITY-HEADER", response.String("message"));
            Assert.True(Guid.TryParse(response.String("correlationId"), out _));
        }
    }

    [Fact]
    public async Task App_Service_issues_a_token_for_principal_id_with_expires_on_as_a_string()
    {
        var response = await AppServiceAsync($"api-version=2019-08-01&resource={Resource(TestDirectory.ApiUri)}&principal_id={TestDirectory.UserIdentityObjectId}");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.String, response.Root.GetProperty("expires_on").ValueKind);
        Assert.Equal(TestDirectory.UserIdentityClientId, response.String("client_id"));
        Assert.Equal(TestDirectory.UserIdentityObjectId, new JsonWebToken(response.String("access_token")).GetPayloadValue<string>("oid"));
    }

    [Fact]
    public async Task App_Service_refuses_another_api_version()
    {
        var response = await AppServiceAsync($"api-version=2017-09-01&resource={Resource(TestDirectory.ApiUri)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("2019-08-01", response.String("message"));
    }

    private async Task<string> ExchangeTokenAsync(string identityParameter, string audience = "api://AzureADTokenExchange")
    {
        var response = await ImdsAsync($"api-version=2018-02-01&resource={Resource(audience)}&{identityParameter}");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.String("access_token");
    }

    [Fact]
    public async Task An_app_trusting_the_managed_identity_accepts_its_token_exchange_token_as_assertion()
    {
        var assertion = await ExchangeTokenAsync($"client_id={TestDirectory.UserIdentityClientId}");
        Assert.Equal("api://AzureADTokenExchange", new JsonWebToken(assertion).Audiences.Single());

        var response = await _emulator.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.KeylessClientId, assertion));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var token = new JsonWebToken(response.String("access_token"));
        Assert.Equal(TestDirectory.KeylessClientId, token.GetPayloadValue<string>("azp"));
        Assert.Equal("2", token.GetPayloadValue<string>("azpacr"));
        Assert.Equal(["Data.Read"], token.GetPayloadValue<string[]>("roles"));
    }

    [Fact]
    public async Task Another_identitys_token_is_refused_with_AADSTS700213()
    {
        var assertion = await ExchangeTokenAsync(string.Empty);
        var response = await _emulator.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.KeylessClientId, assertion));
        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700213);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused_with_AADSTS700212()
    {
        var assertion = await ExchangeTokenAsync($"client_id={TestDirectory.UserIdentityClientId}", "api://AzureADTokenExchangeUSGov");
        var response = await _emulator.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.KeylessClientId, assertion));
        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700212);
    }

    [Fact]
    public async Task An_app_without_that_trust_refuses_the_token_with_AADSTS700211()
    {
        var assertion = await ExchangeTokenAsync($"client_id={TestDirectory.UserIdentityClientId}");
        var response = await _emulator.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.FederatedClientId, assertion));
        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700211);
    }
}
