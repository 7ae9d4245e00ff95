using System.Text;

namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>spec/vectors/basic-credentials.json: the exact Authorization header value.</summary>
public class BasicCredentialVectorTests
{
    private const string Group = "basic-credentials.json";

    public static TheoryData<string> Names => VectorFiles.Names(Group);

    [Theory]
    [MemberData(nameof(Names))]
    public void Header_value_is_exact(string name)
    {
        var vector = VectorFiles.Vector(Group, name);
        var id = (string)vector["input"]!["clientId"]!;
        var secret = (string)vector["input"]!["clientSecret"]!;
        var expected = vector["expected"]!;
        Assert.Equal((string)expected["authorization"]!, "Basic " + BasicCredentials.Encode(id, secret));
        Assert.Equal((string)expected["authorization"]!, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes((string)expected["userPass"]!)));
        Assert.Equal(Uri.UnescapeDataString(((string)expected["userPass"]!).Split(':')[1].Replace('+', ' ')), secret);
    }
}
