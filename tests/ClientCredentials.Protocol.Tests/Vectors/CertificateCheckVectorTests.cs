using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>spec/vectors/certificate-checks.json: a certificate, a kind and a time give the algorithm, or the refusal's Setting.</summary>
public class CertificateCheckVectorTests
{
    private const string Group = "certificate-checks.json";

    public static TheoryData<string> Names => VectorFiles.Names(Group);

    [Theory]
    [MemberData(nameof(Names))]
    public void Certificate_is_used_with_the_expected_algorithm_or_refused(string name)
    {
        var vector = VectorFiles.Vector(Group, name);
        var input = vector["input"]!.AsObject();
        var expected = vector["expected"]!;
        if (expected["error"] is { } error)
        {
            var ex = Assert.Throws<ClientCredentialsConfigurationException>(() => CertificateCheckCases.CreateAssertion(input));
            Assert.Equal((string)error["setting"]!, ex.Setting);
            return;
        }

        var jwt = CertificateCheckCases.CreateAssertion(input);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[0])))!;
        Assert.Equal((string)expected["alg"]!, (string)header["alg"]!);
    }
}
