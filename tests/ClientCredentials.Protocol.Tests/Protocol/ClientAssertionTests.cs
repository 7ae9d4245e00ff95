using System.IdentityModel.Tokens.Jwt;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

public class ClientAssertionTests
{
    private static readonly Uri Endpoint = new("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static JsonElement Part(string jwt, int index) =>
        JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[index])).RootElement;

    /// <summary>Checks the assertion with the independent validator (System.IdentityModel.Tokens.Jwt) at <see cref="Now"/>.</summary>
    private static JwtSecurityToken Validate(string jwt, X509Certificate2 certificate, string algorithm) =>
        ClientAssertionValidator.Validate(jwt, new ExpectedClientAssertion
        {
            ClientId = "client-1",
            Audience = Endpoint.AbsoluteUri,
            Certificate = certificate,
            Algorithm = algorithm,
            Now = Now,
            Lifetime = TimeSpan.FromMinutes(10),
        });

    [Fact]
    public void Entra_assertion_is_ps256_with_x5t_s256_and_validates_against_the_public_key()
    {
        var cert = TestCertificates.SharedRsa2048;
        var jwt = new CertificateCredential(cert).CreateAssertion("client-1", Endpoint, AuthorityKind.Entra, Now, "jti-1");

        var header = Part(jwt, 0);
        Assert.Equal("PS256", header.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        Assert.Equal(Base64UrlEncoder.Encode(SHA256.HashData(cert.RawData)), header.GetProperty("x5t#S256").GetString());
        Assert.False(header.TryGetProperty("x5t", out _));
        Assert.False(header.TryGetProperty("x5c", out _));

        Validate(jwt, cert, "PS256");
    }

    [Theory]
    [InlineData(AuthorityKind.Adfs)]
    [InlineData(AuthorityKind.Generic)]
    public void Adfs_and_generic_assertions_are_rs256_with_sha1_x5t(AuthorityKind kind)
    {
        var cert = TestCertificates.SharedRsa2048;
        var jwt = new CertificateCredential(cert).CreateAssertion("client-1", Endpoint, kind, Now, "jti-1");
        var header = Part(jwt, 0);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal(Base64UrlEncoder.Encode(SHA1.HashData(cert.RawData)), header.GetProperty("x5t").GetString());
        Assert.Equal(CertificateThumbprints.X5t(cert), header.GetProperty("x5t").GetString());
        Validate(jwt, cert, "RS256");
    }

    [Fact]
    public void Claims_are_aud_iss_sub_jti_and_numeric_iat_nbf_exp_with_a_ten_minute_default_lifetime()
    {
        var jwt = new CertificateCredential(TestCertificates.SharedRsa2048).CreateAssertion("client-1", Endpoint, AuthorityKind.Entra, Now, "jti-42");
        var payload = Part(jwt, 1);
        Assert.Equal(Endpoint.AbsoluteUri, payload.GetProperty("aud").GetString());
        Assert.Equal("client-1", payload.GetProperty("iss").GetString());
        Assert.Equal("client-1", payload.GetProperty("sub").GetString());
        Assert.Equal("jti-42", payload.GetProperty("jti").GetString());
        Assert.Equal(JsonValueKind.Number, payload.GetProperty("exp").ValueKind);
        Assert.Equal(Now.ToUnixTimeSeconds(), payload.GetProperty("iat").GetInt64());
        Assert.Equal(Now.ToUnixTimeSeconds(), payload.GetProperty("nbf").GetInt64());
        Assert.Equal(Now.ToUnixTimeSeconds() + 600, payload.GetProperty("exp").GetInt64());
        Assert.Equal(["aud", "iss", "sub", "jti", "iat", "nbf", "exp"], payload.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Forced_rs256_for_entra_uses_x5t_and_kid_when_given()
    {
        var cert = TestCertificates.SharedRsa2048;
        var credential = new CertificateCredential(cert, new CertificateCredentialOptions { Algorithm = ClientAssertionAlgorithm.RS256, KeyId = "key-7" });
        var jwt = credential.CreateAssertion("client-1", Endpoint, AuthorityKind.Entra, Now, "j");
        var header = Part(jwt, 0);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal("key-7", header.GetProperty("kid").GetString());
        Assert.True(header.TryGetProperty("x5t", out _));
        Validate(jwt, cert, "RS256");
    }

    [Fact]
    public void X5c_is_an_rfc7515_array_of_standard_base64_der_leaf_first()
    {
        var leaf = TestCertificates.SharedRsa2048;
        var intermediate = TestCertificates.Rsa(subject: "CN=intermediate");
        var credential = new CertificateCredential(leaf, new CertificateCredentialOptions { SendCertificateChain = true, Chain = [TestCertificates.PublicOnly(intermediate)] });
        var x5c = Part(credential.CreateAssertion("client-1", Endpoint, AuthorityKind.Entra, Now, "j"), 0).GetProperty("x5c");
        Assert.Equal(JsonValueKind.Array, x5c.ValueKind);
        Assert.Equal([Convert.ToBase64String(leaf.RawData), Convert.ToBase64String(intermediate.RawData)], x5c.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Extra_claims_follow_the_defaults()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions
        {
            ExtraClaims = new Dictionary<string, object> { ["tenant_region"] = "EU", ["level"] = 3, ["groups"] = new[] { "a", "b" } },
        });
        var payload = Part(credential.CreateAssertion("client-1", Endpoint, AuthorityKind.Entra, Now, "j"), 1);
        Assert.Equal("EU", payload.GetProperty("tenant_region").GetString());
        Assert.Equal(3, payload.GetProperty("level").GetInt32());
        Assert.Equal(["a", "b"], payload.GetProperty("groups").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("exp", payload.EnumerateObject().ElementAt(6).Name);
    }

    [Theory]
    [InlineData("aud")]
    [InlineData("iss")]
    [InlineData("sub")]
    [InlineData("jti")]
    [InlineData("exp")]
    public void An_extra_claim_that_would_override_a_default_is_an_error(string name)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(
            TestCertificates.SharedRsa2048,
            new CertificateCredentialOptions { ExtraClaims = new Dictionary<string, object> { [name] = "x" } }));
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Lifetime_is_configurable_up_to_one_hour()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { AssertionLifetime = TimeSpan.FromMinutes(60) });
        var payload = Part(credential.CreateAssertion("c", Endpoint, AuthorityKind.Entra, Now, "j"), 1);
        Assert.Equal(3600, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
        Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { AssertionLifetime = TimeSpan.FromMinutes(61) }));
        Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { AssertionLifetime = TimeSpan.Zero }));
    }

    [Fact]
    public void Ec_p256_keys_sign_es256_for_generic_servers()
    {
        var cert = TestCertificates.EcP256();
        var jwt = new CertificateCredential(cert).CreateAssertion("client-1", Endpoint, AuthorityKind.Generic, Now, "j");
        Assert.Equal("ES256", Part(jwt, 0).GetProperty("alg").GetString());
        Validate(jwt, cert, "ES256");
    }

    [Fact]
    public void Refusals_name_the_certificate_by_subject_and_thumbprint()
    {
        var publicOnly = TestCertificates.PublicOnly(TestCertificates.SharedRsa2048);
        AssertRefused(publicOnly, AuthorityKind.Entra, "no private key");
        AssertRefused(TestCertificates.Rsa(1024, "CN=weak"), AuthorityKind.Generic, "1024-bit");
        AssertRefused(TestCertificates.Rsa(subject: "CN=old", notBefore: Now.AddYears(-2), notAfter: Now.AddDays(-1)), AuthorityKind.Entra, "expired");
        AssertRefused(TestCertificates.Rsa(subject: "CN=future", notBefore: Now.AddDays(2), notAfter: Now.AddYears(1)), AuthorityKind.Entra, "not valid before");
        AssertRefused(TestCertificates.EcP256("CN=ec"), AuthorityKind.Entra, "accepts only RSA");

        static void AssertRefused(System.Security.Cryptography.X509Certificates.X509Certificate2 cert, AuthorityKind kind, string reason)
        {
            var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(cert).CreateAssertion("c", Endpoint, kind, Now, "j"));
            Assert.Contains(reason, error.Message);
            Assert.Contains(cert.Subject, error.Message);
            Assert.Contains(cert.Thumbprint, error.Message);
        }
    }

    [Fact]
    public void Every_assertion_gets_a_new_jti_through_the_credential()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048);
        var context = new ClientAuthenticationContext("client-1", Endpoint, TokenAuthority.Entra("contoso.com"), TimeProvider.System);
        var jtis = Enumerable.Range(0, 5).Select(_ =>
        {
            var message = new TokenRequestMessage();
            credential.ApplyAsync(context, message, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", message.Form.Single(f => f.Key == "client_assertion_type").Value);
            return Part(message.Form.Single(f => f.Key == "client_assertion").Value, 1).GetProperty("jti").GetString();
        }).ToList();
        Assert.Equal(5, jtis.Distinct().Count());
    }

    [Fact]
    public void ToString_shows_subject_and_thumbprint_not_key_material()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048);
        Assert.Contains(TestCertificates.SharedRsa2048.Thumbprint, credential.ToString());
    }
}
