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

    [Fact]
    public void A_null_certificate_is_an_argument_error()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new CertificateCredential(null!));

        Assert.Equal("certificate", error.ParamName);
    }

    [Fact]
    public void An_assertion_lifetime_out_of_range_is_refused_naming_the_limit_and_the_value()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { AssertionLifetime = TimeSpan.FromMinutes(61) }));

        Assert.Equal("AssertionLifetime", error.Setting);
        Assert.Equal("The assertion lifetime must be more than zero and at most 1 hour (Entra ID refuses longer ones); got 01:01:00.", error.Message);
    }

    [Fact]
    public void An_unknown_algorithm_is_refused_with_its_number()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { Algorithm = (ClientAssertionAlgorithm)42 }));

        Assert.Equal("Algorithm", error.Setting);
        Assert.Equal("Unknown assertion algorithm 42.", error.Message);
    }

    [Fact]
    public void An_extra_claim_that_would_override_a_default_is_refused_listing_the_claims_the_library_sets()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(
            TestCertificates.SharedRsa2048,
            new CertificateCredentialOptions { ExtraClaims = new Dictionary<string, object> { ["nbf"] = 0 } }));

        Assert.Equal("ExtraClaims", error.Setting);
        Assert.Contains("(aud, iss, sub, jti, iat, nbf, exp); remove it.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_date_and_json_node_extra_claims_are_written_as_json()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions
        {
            ExtraClaims = new Dictionary<string, object>
            {
                ["nothing"] = null!,
                ["valid_until"] = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
                ["cnf"] = new System.Text.Json.Nodes.JsonObject { ["kid"] = "k1" },
            },
        });

        var payload = Part(credential.CreateAssertion("client-1", Endpoint, AuthorityKind.Entra, Now, "j"), 1);

        Assert.Equal(JsonValueKind.Null, payload.GetProperty("nothing").ValueKind);
        Assert.Equal(1893456000, payload.GetProperty("valid_until").GetInt64());
        Assert.Equal("k1", payload.GetProperty("cnf").GetProperty("kid").GetString());
    }

    [Fact]
    public void An_extra_claim_of_an_unsupported_type_is_refused_naming_the_claim_and_the_type()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions
        {
            ExtraClaims = new Dictionary<string, object> { ["request_id"] = Guid.NewGuid() },
        });

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => credential.CreateAssertion("client-1", Endpoint, AuthorityKind.Entra, Now, "j"));

        Assert.Equal("ExtraClaims", error.Setting);
        Assert.StartsWith("Extra claim 'request_id' has a value of type Guid; use string, bool, int, long, double, DateTimeOffset, string[]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Es256_with_an_rsa_key_is_refused()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { Algorithm = ClientAssertionAlgorithm.ES256 });

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => credential.CreateAssertion("client-1", Endpoint, AuthorityKind.Generic, Now, "j"));

        Assert.Equal("Algorithm", error.Setting);
        Assert.EndsWith(" has an RSA key; ES256 needs an EC P-256 key.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_with_neither_an_rsa_nor_an_ec_key_is_refused()
    {
        using var issuerKey = RSA.Create(2048);
        using var dsa = DSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName("CN=dsa-client"), new PublicKey(dsa), HashAlgorithmName.SHA256);
        using var issued = request.Create(new X500DistinguishedName("CN=dsa-issuer"), X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1), DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        using var certificate = issued.CopyWithPrivateKey(dsa);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(certificate).CreateAssertion("client-1", Endpoint, AuthorityKind.Generic, Now, "j"));

        Assert.Equal("Certificate", error.Setting);
        Assert.Equal($"Certificate '{certificate.Subject}' (thumbprint {certificate.Thumbprint}) has neither an RSA nor an EC key.", error.Message);
    }

    [Fact]
    public void An_ec_key_on_another_curve_than_p256_is_refused_naming_its_size()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var certificate = new CertificateRequest("CN=p384", key, HashAlgorithmName.SHA384).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(certificate).CreateAssertion("client-1", Endpoint, AuthorityKind.Generic, Now, "j"));

        Assert.Equal("Certificate", error.Setting);
        Assert.EndsWith(" has an EC key on a 384-bit curve; ES256 needs P-256.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_token_endpoint_is_an_argument_error_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => new CertificateCredential(TestCertificates.SharedRsa2048).CreateAssertion("client-1", new Uri("/token", UriKind.Relative), AuthorityKind.Generic, Now, "j"));

        Assert.Equal("tokenEndpoint", error.ParamName);
        Assert.StartsWith("The token endpoint '/token' must be an absolute URI.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_assertion_for_a_context_needs_the_context_a_client_id_a_token_endpoint_and_a_jwt_id()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048);
        var context = new ClientAssertionContext("client-1", Endpoint, null, AuthorityKind.Generic);

        Assert.Throws<ArgumentNullException>(() => credential.CreateAssertion(null!, Now, "j"));
        Assert.Throws<ArgumentException>(() => credential.CreateAssertion(context with { ClientId = " " }, Now, "j"));
        Assert.Throws<ArgumentNullException>(() => credential.CreateAssertion(context with { TokenEndpoint = null! }, Now, "j"));
        Assert.Throws<ArgumentException>(() => credential.CreateAssertion(context, Now, " "));
    }

    [Fact]
    public void An_assertion_for_a_context_checks_the_certificate_at_the_issue_time()
    {
        var certificate = TestCertificates.SharedRsa2048;
        var context = new ClientAssertionContext("client-1", Endpoint, null, AuthorityKind.Generic);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(certificate).CreateAssertion(context, Utc(certificate.NotAfter).AddDays(1), "j"));

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_issuer_audience_names_the_issuer_of_the_context_with_the_rfc7523bis_type()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { Audience = ClientAssertionAudience.Issuer });
        var context = new ClientAssertionContext("client-1", Endpoint, null, AuthorityKind.Generic) { Issuer = "https://as.example/tenant-a" };

        var jwt = credential.CreateAssertion(context, Now, "j");

        Assert.Equal("https://as.example/tenant-a", Part(jwt, 1).GetProperty("aud").GetString());
        Assert.Equal("client-authentication+jwt", Part(jwt, 0).GetProperty("typ").GetString());
    }

    [Fact]
    public void An_issuer_audience_for_a_context_without_an_issuer_is_refused()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { Audience = ClientAssertionAudience.Issuer });
        var context = new ClientAssertionContext("client-1", Endpoint, null, AuthorityKind.Generic);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => credential.CreateAssertion(context, Now, "j"));

        Assert.Equal("AssertionAudience", error.Setting);
        Assert.Equal("AssertionAudience is Issuer, but no issuer is known for this request; give the authority by its issuer.", error.Message);
    }

    [Fact]
    public void An_unknown_audience_is_refused_with_its_number_when_validated()
    {
        var credential = new CertificateCredential(TestCertificates.SharedRsa2048, new CertificateCredentialOptions { Audience = (ClientAssertionAudience)9 });

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => credential.Validate(TokenAuthority.Entra("contoso.com")));

        Assert.Equal("AssertionAudience", error.Setting);
        Assert.Equal("Unknown assertion audience 9.", error.Message);
    }

    [Fact]
    public void Validate_checks_the_validity_period_on_the_clock_it_is_given()
    {
        var certificate = TestCertificates.SharedRsa2048;
        var clock = new TestClock(Utc(certificate.NotAfter).AddDays(1));

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => new CertificateCredential(certificate).Validate(TokenAuthority.Entra("contoso.com"), clock));

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_that_expires_after_validation_is_refused_when_a_request_is_built()
    {
        using var certificate = TestCertificates.Rsa(subject: "CN=expiring", notBefore: Now.AddDays(-1), notAfter: Now.AddDays(1));
        var credential = new CertificateCredential(certificate);
        var authority = TokenAuthority.Entra("contoso.com");
        var clock = new TestClock(Now);
        credential.Validate(authority, clock);
        clock.Advance(TimeSpan.FromDays(2));
        var message = new TokenRequestMessage();

        var error = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () =>
            await credential.ApplyAsync(new ClientAuthenticationContext("client-1", Endpoint, authority, clock), message, CancellationToken.None));

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        Assert.Empty(message.Form);
    }

    private static DateTimeOffset Utc(DateTime time) => new(time.ToUniversalTime());
}
