using System.Globalization;
using System.Net;
using ClientCredentials.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tests;

public sealed class IssuedTokenTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    private async Task<JsonWebKeySet> FetchKeysAsync()
    {
        var discovery = await _emulator.GetAsync($"{TestDirectory.TenantId}/v2.0/.well-known/openid-configuration");
        var keys = await _emulator.GetAsync(discovery.String("jwks_uri"));
        return new JsonWebKeySet(keys.Body);
    }

    [Fact]
    public async Task Token_validates_against_the_published_keys_with_AAD_v2_app_claims()
    {
        var accessToken = await _emulator.GetAccessTokenAsync();
        var keys = await FetchKeysAsync();

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, new TokenValidationParameters
        {
            ValidIssuer = $"{_emulator.Root}/{TestDirectory.TenantId}/v2.0",
            ValidAudience = TestDirectory.ApiAppId,
            IssuerSigningKeys = keys.GetSigningKeys(),
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal(keys.Keys.Single().Kid, token.Kid);
        Assert.Equal(keys.Keys.Single().X5t, token.X5t);
        Assert.Equal("RS256", token.Alg);
        Assert.Equal(TestDirectory.TenantId, token.GetPayloadValue<string>("tid"));
        Assert.Equal(TestDirectory.SecretClientId, token.GetPayloadValue<string>("azp"));
        Assert.Equal("1", token.GetPayloadValue<string>("azpacr"));
        Assert.Equal(["Data.Read"], token.GetPayloadValue<string[]>("roles"));
        Assert.Equal("app", token.GetPayloadValue<string>("idtyp"));
        Assert.Equal("2.0", token.GetPayloadValue<string>("ver"));
        Assert.True(Guid.TryParse(token.GetPayloadValue<string>("oid"), out _));
        Assert.Equal(token.GetPayloadValue<string>("oid"), token.Subject);
        Assert.False(string.IsNullOrEmpty(token.GetPayloadValue<string>("uti")));
        Assert.Equal(3599, (token.ValidTo - token.IssuedAt).TotalSeconds);
        Assert.Equal(token.IssuedAt, token.ValidFrom);
    }

    [Fact]
    public async Task App_without_a_role_on_the_resource_still_gets_a_token_without_roles()
    {
        var accessToken = await _emulator.GetAccessTokenAsync(scope: TestDirectory.GraphUri + "/.default");

        var token = new JsonWebToken(accessToken);
        Assert.False(token.TryGetPayloadValue<object>("roles", out _));
    }

    [Fact]
    public async Task Object_id_is_stable_for_the_same_app()
    {
        var first = new JsonWebToken(await _emulator.GetAccessTokenAsync());
        var second = new JsonWebToken(await _emulator.GetAccessTokenAsync());

        Assert.Equal(first.GetPayloadValue<string>("oid"), second.GetPayloadValue<string>("oid"));
        Assert.NotEqual(first.GetPayloadValue<string>("uti"), second.GetPayloadValue<string>("uti"));
    }

    [Fact]
    public async Task V1_endpoint_answers_with_resource_and_times_as_strings()
    {
        var form = EmulatorHarness.SecretForm();
        form.Remove("scope");
        form["resource"] = TestDirectory.ApiUri;

        var response = await _emulator.PostV1Async(form);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Bearer", response.String("token_type"));
        Assert.Equal("3599", response.String("expires_in"));
        Assert.Equal("3599", response.String("ext_expires_in"));
        Assert.Equal(TestDirectory.ApiUri, response.String("resource"));
        var expiresOn = long.Parse(response.String("expires_on"), CultureInfo.InvariantCulture);
        var notBefore = long.Parse(response.String("not_before"), CultureInfo.InvariantCulture);
        Assert.Equal(3599, expiresOn - notBefore);
        var token = new JsonWebToken(response.String("access_token"));
        Assert.Equal(expiresOn, new DateTimeOffset(token.ValidTo).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task V1_endpoint_requires_resource()
    {
        var form = EmulatorHarness.SecretForm();
        form.Remove("scope");

        var response = await _emulator.PostV1Async(form);

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", 900144);
        Assert.Contains("'resource'", response.String("error_description"));
    }

    [Fact]
    public async Task Configured_token_lifetime_is_honoured()
    {
        await using var shortLived = await EmulatorHarness.StartAsync(TestDirectory.Options(tokenLifetime: TimeSpan.FromMinutes(5)));

        var response = await shortLived.PostV2Async(EmulatorHarness.SecretForm());

        Assert.Equal(300, response.Root.GetProperty("expires_in").GetInt32());
    }
}
