namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>spec/vectors/form-encoding.json.</summary>
public class FormEncodingVectorTests
{
    private const string Group = "form-encoding.json";

    public static TheoryData<string> Names => VectorFiles.Names(Group);

    [Theory]
    [MemberData(nameof(Names))]
    public void Value_encodes_exactly_and_decodes_back(string name)
    {
        var vector = VectorFiles.Vector(Group, name);
        var value = (string)vector["input"]!["value"]!;
        var encoded = (string)vector["expected"]!["encoded"]!;
        Assert.Equal(encoded, FormUrlEncoding.Encode(value));
        Assert.Equal(value, Uri.UnescapeDataString(encoded.Replace('+', ' ')));
    }
}
