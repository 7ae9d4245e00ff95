using System.Security.Cryptography;
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
