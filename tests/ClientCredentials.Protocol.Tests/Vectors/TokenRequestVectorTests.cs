namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>spec/vectors/token-requests.json: the exact URL, pinned headers and form body of a token request.</summary>
public class TokenRequestVectorTests
{
    private const string Group = "token-requests.json";

    public static TheoryData<string> Names => VectorFiles.Names(Group);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Request_is_written_exactly(string name)
    {
        var vector = VectorFiles.Vector(Group, name);
        var expected = vector["expected"]!;
        if (expected["error"] is { } error)
        {
            var ex = Assert.Throws<ClientCredentialsConfigurationException>(() => TokenRequestCases.Create(vector["input"]!.AsObject()));
            Assert.Equal((string)error["setting"]!, ex.Setting);
            foreach (var text in error["notInMessage"]?.AsArray() ?? [])
            {
                Assert.DoesNotContain((string)text!, ex.Message, StringComparison.Ordinal);
            }

            return;
        }

        using var request = TokenRequestCases.Create(vector["input"]!.AsObject());
        Assert.Equal((string)expected["method"]!, request.Method.Method);
        Assert.Equal((string)expected["url"]!, request.RequestUri!.AbsoluteUri);
        Assert.Equal((string)expected["body"]!, await request.Content!.ReadAsStringAsync());
        var headers = expected["headers"]!.AsObject();
        Assert.Equal(TokenRequestCases.ComparedHeaders, headers.Select(h => h.Key));
        foreach (var (header, value) in headers)
        {
            Assert.Equal((string?)value, TokenRequestCases.HeaderValue(request, header));
        }

        Assert.True(request.Headers.Contains("x-client-Ver"));
    }
}
