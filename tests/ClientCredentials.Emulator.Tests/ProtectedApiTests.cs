using System.Net;
using ClientCredentials.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tests;

public sealed class ProtectedApiTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    [Fact]
    public async Task Token_with_the_required_role_is_answered_with_the_callers_identity()
    {
        var token = await _emulator.GetAccessTokenAsync();

        var response = await _emulator.GetAsync("api/whoami", token);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(TestDirectory.SecretClientId, response.String("appid"));
        Assert.Equal(TestDirectory.TenantId, response.String("tenantId"));
        Assert.Equal(TestDirectory.ApiAppId, response.String("audience"));
        Assert.Equal(["Data.Read"], response.Root.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Fact]
    public async Task Missing_token_is_a_401_bearer_challenge()
    {
        var response = await _emulator.GetAsync("api/whoami");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        var challenge = response.Header("WWW-Authenticate")!;
        Assert.StartsWith("Bearer realm=\"\"", challenge, StringComparison.Ordinal);
        Assert.Contains($"authorization_uri=\"{_emulator.Root}/{TestDirectory.TenantId}/oauth2/v2.0/authorize\"", challenge);
        Assert.Contains($"resource_id=\"{TestDirectory.ApiUri}\"", challenge);
        Assert.Contains("error=\"invalid_token\"", challenge);
        Assert.Contains("error_description=\"The access token is missing.\"", challenge);
    }

    [Fact]
    public async Task Garbage_token_is_a_401_invalid_token()
    {
        var response = await _emulator.GetAsync("api/whoami", "not.a.token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("error=\"invalid_token\"", response.Header("WWW-Authenticate"));
        Assert.Equal("invalid_token", response.String("error"));
    }

    [Fact]
    public async Task Token_for_another_resource_is_a_401_naming_the_audience()
    {
        var token = await _emulator.GetAccessTokenAsync(scope: TestDirectory.GraphUri + "/.default");

        var response = await _emulator.GetAsync("api/whoami", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("audience is invalid", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Token_signed_by_another_key_is_a_401()
    {
        var genuine = new JsonWebToken(await _emulator.GetAccessTokenAsync());
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(
            genuine.EncodedPayload.Length > 0 ? Base64UrlEncoder.Decode(genuine.EncodedPayload) : "{}",
            new SigningCredentials(new RsaSecurityKey(otherKey) { KeyId = genuine.Kid }, SecurityAlgorithms.RsaSha256));

        var response = await _emulator.GetAsync("api/whoami", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("signature is invalid", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Token_without_the_required_role_is_a_403()
    {
        var form = EmulatorHarness.AssertionForm(
            TestDirectory.FederatedClientId,
            AssertionBuilder.ForFederated(TestDirectory.FederatedIssuer, TestDirectory.FederatedSubject, TestDirectory.FederatedAudience)
                .Sign(new RsaSecurityKey(TestDirectory.FederatedKey), SecurityAlgorithms.RsaSha256)
                .Build());
        var token = (await _emulator.PostV2Async(form)).String("access_token");

        var response = await _emulator.GetAsync("api/whoami", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Contains("error=\"insufficient_scope\"", response.Header("WWW-Authenticate"));
        Assert.Contains("'Data.Read'", response.String("error_description"));
    }

    [Fact]
    public async Task Expired_token_is_a_401()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow);
        await using var timed = await EmulatorHarness.StartAsync(settings: new EmulatorServerSettings { TimeProvider = clock });
        var token = await timed.GetAccessTokenAsync();

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(6));
        var response = await timed.GetAsync("api/whoami", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("The token is expired.", response.Header("WWW-Authenticate"));
    }
}
