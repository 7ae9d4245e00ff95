using System.Net;
using System.Security.Cryptography;
using ClientCredentials.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tests;

public sealed class FederatedAssertionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    private static AssertionBuilder Federated(string issuer = TestDirectory.FederatedIssuer, string subject = TestDirectory.FederatedSubject, string audience = TestDirectory.FederatedAudience) =>
        AssertionBuilder.ForFederated(issuer, subject, audience).Sign(new RsaSecurityKey(TestDirectory.FederatedKey) { KeyId = "gh-key-1" }, SecurityAlgorithms.RsaSha256);

    private Task<EndpointResponse> PostAsync(string assertion) =>
        _emulator.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.FederatedClientId, assertion));

    [Fact]
    public async Task Trusted_issuer_subject_and_audience_get_a_token()
    {
        var response = await PostAsync(Federated().Build());

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var token = new JsonWebToken(response.String("access_token"));
        Assert.Equal(TestDirectory.FederatedClientId, token.GetPayloadValue<string>("azp"));
        Assert.Equal(["Data.Write"], token.GetPayloadValue<string[]>("roles"));
    }

    [Fact]
    public async Task The_same_external_token_may_be_used_again_before_it_expires()
    {
        var assertion = Federated().Build();

        var first = await PostAsync(assertion);
        var second = await PostAsync(assertion);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
    }

    [Fact]
    public async Task Issuer_keys_given_as_a_JWK_object_are_accepted()
    {
        using var key = RSA.Create(2048);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)) { KeyId = "k8s-1" });
        var json = $$"""
        {
          "tenants": [{ "id": "{{TestDirectory.TenantId}}" }],
          "resources": [{ "appIdUri": "api://sample-api" }],
          "applications": [{
            "clientId": "{{TestDirectory.FederatedClientId}}",
            "federatedCredentials": [{
              "issuer": "https://kubernetes.default.svc",
              "subject": "system:serviceaccount:default:workload",
              "signingKeys": [ { "kty": "RSA", "kid": "k8s-1", "n": "{{jwk.N}}", "e": "{{jwk.E}}" } ]
            }]
          }]
        }
        """;
        await using var k8s = await EmulatorHarness.StartAsync(EmulatorOptions.Parse(json));
        var assertion = AssertionBuilder.ForFederated("https://kubernetes.default.svc", "system:serviceaccount:default:workload", "api://AzureADTokenExchange")
            .Sign(new RsaSecurityKey(key) { KeyId = "k8s-1" }, SecurityAlgorithms.RsaSha256)
            .Build();

        var response = await k8s.PostV2Async(EmulatorHarness.AssertionForm(TestDirectory.FederatedClientId, assertion));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Untrusted_issuer_is_AADSTS700211()
    {
        var response = await PostAsync(Federated(issuer: "https://evil.example").Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700211);
    }

    [Fact]
    public async Task Subject_differing_only_in_case_is_AADSTS700213()
    {
        var response = await PostAsync(Federated(subject: TestDirectory.FederatedSubject.ToUpperInvariant()).Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700213);
    }

    [Fact]
    public async Task Wrong_audience_is_AADSTS700212()
    {
        var response = await PostAsync(Federated(audience: "api://something-else").Build());

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700212);
    }

    [Fact]
    public async Task Token_signed_by_another_key_is_AADSTS700027()
    {
        using var other = RSA.Create(2048);
        var assertion = AssertionBuilder.ForFederated(TestDirectory.FederatedIssuer, TestDirectory.FederatedSubject, TestDirectory.FederatedAudience)
            .Sign(new RsaSecurityKey(other) { KeyId = "gh-key-1" }, SecurityAlgorithms.RsaSha256)
            .Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700027);
    }

    [Fact]
    public async Task Expired_external_token_is_AADSTS700024()
    {
        var past = DateTimeOffset.UtcNow.AddHours(-2);
        var assertion = Federated().Claim("nbf", past.ToUnixTimeSeconds()).Claim("iat", past.ToUnixTimeSeconds()).Claim("exp", past.AddMinutes(10).ToUnixTimeSeconds()).Build();

        var response = await PostAsync(assertion);

        AadAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", 700024);
    }
}
