using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Protocol;

/// <summary>
/// The signer behind <see cref="CertificateCredential"/>: the algorithm it picks for a kind of server and a server's
/// <c>token_endpoint_auth_signing_alg_values_supported</c>, the header it keeps per algorithm and <c>typ</c>, the RS256
/// fallback for a key that cannot sign PSS, the refusals that name the certificate, and the validity window it checks
/// per request.
/// </summary>
public class AssertionSignerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly AssertionClaims Claims = new("https://as.example/token", "client-1", "jti-1", Now, TimeSpan.FromMinutes(10), AssertionClaims.NoExtra);

    /// <summary>An RSA-512 key: too short for PSS with SHA-256 (RFC 8017 §9.1.1 needs 66 bytes), long enough for PKCS#1 v1.5,
    /// so it stands in for the HSM and CNG keys that cannot sign PSS.</summary>
    private static readonly Lazy<X509Certificate2> PssIncapable = new(() => TestCertificates.Rsa(512, "CN=no-pss"));

    private static readonly Lazy<X509Certificate2> Ec = new(() => TestCertificates.EcP256("CN=ec-signer"));

    private static AssertionSigner Signer(X509Certificate2 certificate, ClientAssertionAlgorithm algorithm = ClientAssertionAlgorithm.Automatic) =>
        new(certificate, new CertificateCredentialOptions { Algorithm = algorithm });

    private static JsonElement Header(string jwt) =>
        JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[0])).RootElement;

    private static string? Alg(string jwt) => Header(jwt).GetProperty("alg").GetString();

    [Fact]
    public void The_certificate_is_valid_from_its_first_through_its_last_moment()
    {
        var certificate = TestCertificates.SharedRsa2048;
        var signer = Signer(certificate);

        Assert.True(signer.IsValidAt(new DateTimeOffset(certificate.NotBefore.ToUniversalTime())));
        Assert.True(signer.IsValidAt(new DateTimeOffset(certificate.NotAfter.ToUniversalTime())));
    }

    [Fact]
    public void The_certificate_is_not_valid_a_tick_before_or_after_its_period()
    {
        var certificate = TestCertificates.SharedRsa2048;
        var signer = Signer(certificate);

        Assert.False(signer.IsValidAt(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).AddTicks(-1)));
        Assert.False(signer.IsValidAt(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).AddTicks(1)));
    }

    [Fact]
    public void A_generic_server_that_lists_rs256_gets_rs256_even_when_it_lists_ps256_first()
    {
        var jwt = Signer(TestCertificates.SharedRsa2048).Sign(Claims, AuthorityKind.Generic, serverAlgorithms: ["PS256", "RS256"]);

        Assert.Equal("RS256", Alg(jwt));
        Assert.True(Header(jwt).TryGetProperty("x5t", out _));
    }

    [Fact]
    public void An_rsa_key_gets_rs256_from_a_list_that_starts_with_es256()
    {
        var jwt = Signer(TestCertificates.SharedRsa2048).Sign(Claims, AuthorityKind.Generic, serverAlgorithms: ["ES256", "RS256"]);

        Assert.Equal("RS256", Alg(jwt));
    }

    [Fact]
    public void An_ec_key_gets_es256_from_a_list_that_starts_with_rs256()
    {
        var jwt = Signer(Ec.Value).Sign(Claims, AuthorityKind.Generic, serverAlgorithms: ["RS256", "ES256"]);

        Assert.Equal("ES256", Alg(jwt));
    }

    [Fact]
    public void Entra_gets_ps256_with_x5t_s256_when_its_list_has_it()
    {
        var jwt = Signer(TestCertificates.SharedRsa2048).Sign(Claims, AuthorityKind.Entra, serverAlgorithms: ["RS256", "PS256"]);

        Assert.Equal("PS256", Alg(jwt));
        Assert.True(Header(jwt).TryGetProperty("x5t#S256", out _));
    }

    [Fact]
    public void The_choice_for_a_server_list_is_kept_apart_per_kind_of_server()
    {
        var signer = Signer(TestCertificates.SharedRsa2048);
        IReadOnlyList<string> listed = ["PS256", "RS256"];

        var generic = signer.Sign(Claims, AuthorityKind.Generic, serverAlgorithms: listed);
        var entra = signer.Sign(Claims, AuthorityKind.Entra, serverAlgorithms: listed);

        Assert.Equal("RS256", Alg(generic));
        Assert.Equal("PS256", Alg(entra));
    }

    [Fact]
    public void An_explicit_algorithm_the_server_lists_is_used()
    {
        var jwt = Signer(TestCertificates.SharedRsa2048, ClientAssertionAlgorithm.RS256).Sign(Claims, AuthorityKind.Generic, serverAlgorithms: ["PS256", "RS256"]);

        Assert.Equal("RS256", Alg(jwt));
    }

    [Fact]
    public void An_ec_key_that_the_server_cannot_verify_is_refused_naming_the_key_and_the_list()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Signer(Ec.Value).Sign(Claims, AuthorityKind.Generic, serverAlgorithms: ["RS256", "PS256"]));

        Assert.Equal("Certificate", error.Setting);
        Assert.Equal(
            $"Certificate '{Ec.Value.Subject}' has an EC P-256 key (ES256), but the authorization server lists only RS256, PS256 in token_endpoint_auth_signing_alg_values_supported; use a certificate whose key can sign one of those.",
            error.Message);
    }

    [Fact]
    public void An_rsa_key_that_the_server_cannot_verify_is_refused_naming_the_key_and_the_list()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Signer(TestCertificates.SharedRsa2048).Sign(Claims, AuthorityKind.Generic, serverAlgorithms: ["ES256"]));

        Assert.Equal("Certificate", error.Setting);
        Assert.Contains("has an RSA key (RS256, PS256), but the authorization server lists only ES256 in", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_server_list_is_reported_as_none()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Signer(TestCertificates.SharedRsa2048).Sign(Claims, AuthorityKind.Generic, serverAlgorithms: []));

        Assert.Contains("lists only none in token_endpoint_auth_signing_alg_values_supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_algorithm_and_typ_keeps_its_own_header()
    {
        var signer = Signer(TestCertificates.SharedRsa2048);
        (AuthorityKind Kind, string Type, IReadOnlyList<string>? Listed, string Alg)[] cases =
        [
            (AuthorityKind.Generic, AssertionAudience.ClientAuthenticationType, ["PS256"], "PS256"),
            (AuthorityKind.Generic, AssertionAudience.JwtType, null, "RS256"),
            (AuthorityKind.Generic, AssertionAudience.ClientAuthenticationType, null, "RS256"),
            (AuthorityKind.Entra, AssertionAudience.JwtType, null, "PS256"),
        ];

        // Twice: the second round reads the kept headers.
        foreach (var (kind, type, listed, alg) in cases.Concat(cases))
        {
            var header = Header(signer.Sign(Claims, kind, type, listed));
            Assert.Equal(alg, header.GetProperty("alg").GetString());
            Assert.Equal(type, header.GetProperty("typ").GetString());
        }
    }

    [Fact]
    public void A_key_that_cannot_sign_pss_falls_back_to_rs256_with_x5t_for_entra()
    {
        var certificate = PssIncapable.Value;
        var signer = Signer(certificate);

        foreach (var jwt in new[] { signer.Sign(Claims, AuthorityKind.Entra), signer.Sign(Claims, AuthorityKind.Entra) })
        {
            var header = Header(jwt);
            Assert.Equal("RS256", header.GetProperty("alg").GetString());
            Assert.Equal(CertificateThumbprints.X5t(certificate), header.GetProperty("x5t").GetString());
            Assert.False(header.TryGetProperty("x5t#S256", out _));
            using var key = certificate.GetRSAPublicKey()!;
            var parts = jwt.Split('.');
            Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64UrlEncoder.DecodeBytes(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
    }

    [Fact]
    public void An_explicit_ps256_is_not_downgraded_when_the_key_cannot_sign_pss()
    {
        var signer = Signer(PssIncapable.Value, ClientAssertionAlgorithm.PS256);

        Assert.ThrowsAny<CryptographicException>(() => signer.Sign(Claims, AuthorityKind.Entra));
    }

    [Fact]
    public void A_server_that_does_not_list_rs256_gets_no_rs256_fallback()
    {
        var signer = Signer(PssIncapable.Value);

        Assert.ThrowsAny<CryptographicException>(() => signer.Sign(Claims, AuthorityKind.Generic, serverAlgorithms: ["PS256"]));
    }

    [Fact]
    public void A_certificate_without_a_usable_private_key_is_refused_naming_it()
    {
        var certificate = TestCertificates.PublicOnly(TestCertificates.SharedRsa2048);

        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => Signer(certificate).Sign(Claims, AuthorityKind.Generic));

        Assert.Equal("Certificate", error.Setting);
        Assert.Equal($"Certificate '{certificate.Subject}' (thumbprint {certificate.Thumbprint}) has no usable private key.", error.Message);
    }
}
