using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>spec/vectors/certificate-thumbprints.json.</summary>
public class CertificateThumbprintVectorTests
{
    private const string Group = "certificate-thumbprints.json";

    public static TheoryData<string> Names => VectorFiles.Names(Group);

    [Theory]
    [MemberData(nameof(Names))]
    public void Thumbprints_and_x5c_match(string name)
    {
        var vector = VectorFiles.Vector(Group, name);
        var expected = vector["expected"]!;
        var certificate = VectorFiles.LoadCertificate((string)vector["input"]!["certificate"]!, null);
        Assert.Equal((string)expected["sha1Hex"]!, certificate.Thumbprint);
        Assert.Equal((string)expected["x5t"]!, CertificateThumbprints.X5t(certificate));
        Assert.Equal((string)expected["x5t#S256"]!, CertificateThumbprints.X5tS256(certificate));
        Assert.Equal((string)expected["x5t#S256"]!, Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData)));
        Assert.Equal((string)expected["x5c"]![0]!, Convert.ToBase64String(certificate.RawData));
    }

    /// <summary>
    /// The key's public JWK holds exactly the RFC 7638 §3.2 required members, and its thumbprint — the DPoP key
    /// thumbprint of protocol.md §16.1 — is what the library computes and what Microsoft.IdentityModel computes.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void The_keys_jwk_thumbprint_is_rfc7638s(string name)
    {
        var vector = VectorFiles.Vector(Group, name);
        var expected = vector["expected"]!;
        using var certificate = VectorFiles.LoadCertificate((string)vector["input"]!["certificate"]!, (string)vector["input"]!["privateKey"]!);
        using var key = DPoPKeyOf(certificate);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(expected["jwk"], PublicJwk(certificate)));
        Assert.Equal((string)expected["jwkThumbprint"]!, key.Thumbprint);
        var jwk = new JsonWebKey(expected["jwk"]!.ToJsonString());
        Assert.Equal((string)expected["jwkThumbprint"]!, Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()));
    }

    /// <summary>A DPoP key on the certificate's private key.</summary>
    internal static DPoPProofKey DPoPKeyOf(X509Certificate2 certificate) =>
        certificate.GetECDsaPrivateKey() is { } ec ? new DPoPProofKey(ec) : new DPoPProofKey(certificate.GetRSAPrivateKey()!);

    /// <summary>The RFC 7638 §3.2 required members of the certificate's public key, in lexicographic order.</summary>
    internal static System.Text.Json.Nodes.JsonObject PublicJwk(X509Certificate2 certificate)
    {
        if (certificate.GetECDsaPublicKey() is { } ec)
        {
            var point = ec.ExportParameters(false).Q;
            return new() { ["crv"] = "P-256", ["kty"] = "EC", ["x"] = Base64UrlEncoder.Encode(point.X), ["y"] = Base64UrlEncoder.Encode(point.Y) };
        }

        var rsa = certificate.GetRSAPublicKey()!.ExportParameters(false);
        return new() { ["e"] = Base64UrlEncoder.Encode(rsa.Exponent), ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(rsa.Modulus) };
    }

    [Fact]
    public void The_test_keys_belong_to_their_certificates_and_say_TEST_ONLY()
    {
        foreach (var (certificate, key) in new[] { (VectorFiles.RsaCertificate, VectorFiles.RsaPrivateKey), (VectorFiles.EcCertificate, VectorFiles.EcPrivateKey) })
        {
            Assert.StartsWith("TEST ONLY", File.ReadAllText(VectorFiles.FullPath(key)));
            Assert.StartsWith("TEST ONLY", File.ReadAllText(VectorFiles.FullPath(certificate)));
            using var withKey = VectorFiles.LoadCertificate(certificate, key);
            Assert.True(withKey.HasPrivateKey);
            Assert.Contains("TEST ONLY", withKey.Subject);
        }
    }
}
