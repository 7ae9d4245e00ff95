using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClientCredentials.Emulator.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Emulator.Tests;

public sealed class DiscoveryTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorHarness _emulator = fixture.Emulator;

    [Theory]
    [InlineData(TestDirectory.TenantId)]
    [InlineData(TestDirectory.Domain)]
    public async Task OpenId_configuration_names_issuer_token_endpoint_and_keys_by_tenant_id(string tenant)
    {
        var response = await _emulator.GetAsync($"{tenant}/v2.0/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal($"{_emulator.Root}/{TestDirectory.TenantId}/v2.0", response.String("issuer"));
        Assert.Equal($"{_emulator.Root}/{TestDirectory.TenantId}/oauth2/v2.0/token", response.String("token_endpoint"));
        Assert.Equal($"{_emulator.Root}/{TestDirectory.TenantId}/discovery/v2.0/keys", response.String("jwks_uri"));
        Assert.Equal(_emulator.Server.GetIssuer(tenant).ToString(), response.String("issuer"));
        Assert.Equal(_emulator.Server.GetTokenEndpoint(tenant).ToString(), response.String("token_endpoint"));
    }

    [Fact]
    public async Task OpenId_configuration_for_an_unknown_tenant_is_AADSTS90002()
    {
        var response = await _emulator.GetAsync("nobody.onmicrosoft.com/v2.0/.well-known/openid-configuration");

        AadAssert.Error(response, HttpStatusCode.BadRequest, "invalid_tenant", 90002);
    }

    [Fact]
    public async Task Keys_publish_the_rsa_key_with_kid_equal_to_the_certificate_thumbprint()
    {
        var response = await _emulator.GetAsync($"{TestDirectory.TenantId}/discovery/v2.0/keys");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var key = new JsonWebKeySet(response.Body).Keys.Single();
        Assert.Equal("RSA", key.Kty);
        Assert.Equal("sig", key.Use);
        Assert.False(string.IsNullOrEmpty(key.N));
        Assert.Equal("AQAB", key.E);
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(key.X5c.Single()));
        Assert.Equal(Base64UrlEncoder.Encode(SHA1.HashData(certificate.RawData)), key.X5t);
        Assert.Equal(key.X5t, key.Kid);
        Assert.Equal(Base64UrlEncoder.Encode(certificate.GetRSAPublicKey()!.ExportParameters(false).Modulus), key.N);
    }

    [Fact]
    public void Issuer_lookup_for_an_unknown_tenant_throws_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => _emulator.Server.GetIssuer("nobody"));

        Assert.Contains("'nobody' is not configured", error.Message);
    }
}
