using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>spec/vectors/client-assertions.json: header and payload bytes exact; RS256 signatures byte-exact; PS256 and ES256 verified.</summary>
public class ClientAssertionVectorTests
{
    private const string Group = "client-assertions.json";

    public static TheoryData<string> Names => VectorFiles.Names(Group);

    private static (JsonObject Input, JsonObject Expected, string Jwt, X509Certificate2 Certificate) Build(string name)
    {
        var vector = VectorFiles.Vector(Group, name);
        var input = vector["input"]!.AsObject();
        var certificate = VectorFiles.LoadCertificate((string)input["certificate"]!, (string)input["privateKey"]!);
        var credential = new CertificateCredential(certificate, VectorGenerator.OptionsFrom(input));
        var now = DateTimeOffset.FromUnixTimeSeconds((long)input["nowUnix"]!);
        Assert.Equal(DateTimeOffset.Parse((string)input["now"]!, CultureInfo.InvariantCulture), now);
        var jwt = credential.CreateAssertion(
            (string)input["clientId"]!,
            new Uri((string)input["tokenEndpoint"]!),
            Enum.Parse<AuthorityKind>((string)input["authorityKind"]!),
            now,
            (string)input["jti"]!);
        return (input, vector["expected"]!.AsObject(), jwt, certificate);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Header_and_payload_are_the_exact_bytes_and_the_signing_input_matches(string name)
    {
        var (_, expected, jwt, _) = Build(name);
        var parts = jwt.Split('.');
        Assert.Equal(Encoding.UTF8.GetBytes((string)expected["headerJson"]!), Base64UrlEncoder.DecodeBytes(parts[0]));
        Assert.Equal(Encoding.UTF8.GetBytes((string)expected["payloadJson"]!), Base64UrlEncoder.DecodeBytes(parts[1]));
        Assert.Equal((string)expected["signingInput"]!, parts[0] + "." + parts[1]);
        Assert.Equal((string)expected["alg"]!, JsonNode.Parse((string)expected["headerJson"]!)!["alg"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Rs256_signatures_are_byte_exact_and_randomized_ones_verify_with_the_public_key(string name)
    {
        var (_, expected, jwt, certificate) = Build(name);
        var parts = jwt.Split('.');
        var alg = (string)expected["alg"]!;
        var publicOnly = TestCertificates.PublicOnly(certificate);
        if ((bool)expected["deterministic"]!)
        {
            Assert.Equal("RS256", alg);
            Assert.Equal((string)expected["signature"]!, parts[2]);
            Assert.Equal((string)expected["jwt"]!, jwt);
        }
        else
        {
            Assert.True(Verify(alg, publicOnly, parts[0] + "." + parts[1], parts[2]), "a fresh signature does not verify");
            Assert.True(Verify(alg, publicOnly, (string)expected["signingInput"]!, (string)expected["exampleSignature"]!), "the example signature does not verify");
            Assert.Equal((string)expected["signingInput"]! + "." + (string)expected["exampleSignature"]!, (string)expected["exampleJwt"]!);
        }

        Assert.True(Verify(alg, publicOnly, parts[0] + "." + parts[1], parts[2]));
    }

    [Fact]
    public void A_tampered_payload_fails_verification_so_the_checks_above_can_fail()
    {
        var (_, expected, _, certificate) = Build("entra-ps256");
        var tampered = ((string)expected["signingInput"]!).Replace(".eyJ", ".eyK", StringComparison.Ordinal);
        Assert.False(Verify("PS256", TestCertificates.PublicOnly(certificate), tampered, (string)expected["exampleSignature"]!));
    }

    /// <summary>Independent of the library: RFC 7518 §3.3–3.5 verification with .NET's primitives (PSS salt = 32 bytes).</summary>
    private static bool Verify(string alg, X509Certificate2 certificate, string signingInput, string signature)
    {
        var data = Encoding.ASCII.GetBytes(signingInput);
        var bytes = Base64UrlEncoder.DecodeBytes(signature);
        if (alg == "ES256")
        {
            using var ec = certificate.GetECDsaPublicKey()!;
            Assert.Equal(64, bytes.Length);
            return ec.VerifyData(data, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        using var rsa = certificate.GetRSAPublicKey()!;
        Assert.Equal(256, bytes.Length);
        return rsa.VerifyData(data, bytes, HashAlgorithmName.SHA256, alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
    }
}
