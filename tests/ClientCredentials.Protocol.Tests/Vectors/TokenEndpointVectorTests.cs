namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>spec/vectors/token-endpoints.json: authority configuration → token endpoint, cache identity, or the refusal's Setting.</summary>
public class TokenEndpointVectorTests
{
    private const string Group = "token-endpoints.json";

    public static TheoryData<string> Names => VectorFiles.Names(Group);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Authority_gives_the_token_endpoint_or_is_refused(string name)
    {
        var vector = VectorFiles.Vector(Group, name);
        var input = vector["input"]!.AsObject();
        var expected = vector["expected"]!;
        if (expected["error"] is { } error)
        {
            var ex = await Assert.ThrowsAsync<ClientCredentialsConfigurationException>(async () =>
            {
                var authority = TokenEndpointCases.Build(input, out var handler);
                await authority.GetTokenEndpointAsync(new HttpClient(handler), CancellationToken.None);
            });
            Assert.Equal((string)error["setting"]!, ex.Setting);
            foreach (var text in error["notInMessage"]?.AsArray() ?? [])
            {
                Assert.DoesNotContain((string)text!, ex.Message, StringComparison.Ordinal);
            }

            return;
        }

        var built = TokenEndpointCases.Build(input, out var discovery);
        var endpoint = await built.GetTokenEndpointAsync(new HttpClient(discovery), CancellationToken.None);
        Assert.Equal((string)expected["authorityKind"]!, built.Kind.ToString());
        Assert.Equal((string)expected["tokenEndpoint"]!, endpoint.AbsoluteUri);
        Assert.Equal((string)expected["cacheIdentity"]!, built.CacheIdentity);
        Assert.Equal((string?)expected["discoveryUrl"], discovery.RequestedUri?.AbsoluteUri);
    }
}
