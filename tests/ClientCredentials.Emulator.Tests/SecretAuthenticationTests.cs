using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ClientCredentials.Emulator.Tests.Infrastructure;

namespace ClientCredentials.Emulator.Tests;

public sealed class SecretAuthenticationTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    [Fact]
    public async Task Secret_in_body_gets_a_v2_token_response()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm());

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Bearer", response.String("token_type"));
        Assert.Equal(3599, response.Root.GetProperty("expires_in").GetInt32());
        Assert.Equal(3599, response.Root.GetProperty("ext_expires_in").GetInt32());
        Assert.Equal(3, response.String("access_token").Split('.').Length);
        Assert.Contains("no-store", response.Header("Cache-Control"));
    }

    [Fact]
    public async Task Secret_via_http_basic_is_form_url_decoded_after_base64()
    {
        var form = EmulatorHarness.SecretForm();
        form.Remove("client_id");
        form.Remove("client_secret");
        var encoded = $"{WebUtility.UrlEncode(TestDirectory.SecretClientId)}:{WebUtility.UrlEncode(TestDirectory.Secret)}";

        var response = await _emulator.PostV2Async(form, configure: request =>
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(encoded))));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Tenant_may_be_named_by_domain()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(), tenant: TestDirectory.Domain);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Wrong_secret_is_AADSTS7000215()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(secret: "not-the-secret"));

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 7000215);
    }

    [Fact]
    public async Task Expired_secret_is_AADSTS7000222()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(secret: TestDirectory.ExpiredSecret));

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 7000222);
    }

    [Fact]
    public async Task Missing_credential_is_AADSTS7000218()
    {
        var form = EmulatorHarness.SecretForm();
        form.Remove("client_secret");

        var response = await _emulator.PostV2Async(form);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 7000218);
    }

    [Fact]
    public async Task Two_authentication_methods_at_once_are_rejected()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(), configure: request =>
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestDirectory.SecretClientId}:x"))));

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", 90023);
    }

    [Fact]
    public async Task Unknown_tenant_is_AADSTS90002()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(), tenant: TestIds.UnknownTenantId);

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", 90002);
    }

    [Theory]
    [InlineData("common")]
    [InlineData("organizations")]
    [InlineData("consumers")]
    public async Task Multi_tenant_endpoints_refuse_client_credentials_with_AADSTS90010(string alias)
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(), tenant: alias);

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", 90010);
        Assert.StartsWith(
            "AADSTS90010: The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
            response.String("error_description"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_application_is_AADSTS700016()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(clientId: TestIds.UnknownAppId));

        AadAssert.Error(response, HttpStatusCode.BadRequest, "unauthorized_client", 700016);
    }

    [Fact]
    public async Task Application_of_another_tenant_is_AADSTS700016()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(clientId: TestDirectory.OtherTenantClientId));

        AadAssert.Error(response, HttpStatusCode.BadRequest, "unauthorized_client", 700016);
    }

    [Fact]
    public async Task Other_grant_type_is_AADSTS70003()
    {
        var form = EmulatorHarness.SecretForm();
        form["grant_type"] = "password";

        var response = await _emulator.PostV2Async(form);

        AadAssert.Error(response, HttpStatusCode.BadRequest, "unsupported_grant_type", 70003);
    }

    [Fact]
    public async Task Missing_grant_type_is_AADSTS900144()
    {
        var form = EmulatorHarness.SecretForm();
        form.Remove("grant_type");

        var response = await _emulator.PostV2Async(form);

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", 900144);
        Assert.Contains("'grant_type'", response.String("error_description"));
    }

    [Theory]
    [InlineData("api://sample-api/Data.Read")]
    [InlineData("api://sample-api")]
    [InlineData("/.default")]
    public async Task Scope_that_is_not_resource_default_is_AADSTS70011(string scope)
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(scope: scope));

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_scope", 70011);
    }

    [Fact]
    public async Task Unknown_resource_is_AADSTS500011()
    {
        var response = await _emulator.PostV2Async(EmulatorHarness.SecretForm(scope: "api://nobody/.default"));

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_resource", 500011);
    }

    [Fact]
    public async Task Resource_may_be_named_by_app_id_and_trailing_slash_is_tolerated()
    {
        var byAppId = await _emulator.PostV2Async(EmulatorHarness.SecretForm(scope: $"{TestDirectory.ApiAppId}/.default"));
        var withSlash = await _emulator.PostV2Async(EmulatorHarness.SecretForm(scope: $"{TestDirectory.GraphUri}//.default"));

        Assert.Equal(HttpStatusCode.OK, byAppId.Status);
        Assert.Equal(HttpStatusCode.OK, withSlash.Status);
    }
}
