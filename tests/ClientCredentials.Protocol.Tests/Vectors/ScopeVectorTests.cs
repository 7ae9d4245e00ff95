namespace ClientCredentials.Protocol.Tests.Vectors;

/// <summary>spec/vectors/resource-scopes.json and scope-validation.json.</summary>
public class ScopeVectorTests
{
    public static TheoryData<string> ResourceNames => VectorFiles.Names("resource-scopes.json");

    public static TheoryData<string> ValidationNames => VectorFiles.Names("scope-validation.json");

    [Theory]
    [MemberData(nameof(ResourceNames))]
    public void Resource_becomes_its_scope_or_is_refused(string name)
    {
        var vector = VectorFiles.Vector("resource-scopes.json", name);
        var resource = (string)vector["input"]!["resource"]!;
        var expected = vector["expected"]!;
        if (expected["error"] is { } error)
        {
            var ex = Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.FromResource(resource));
            Assert.Equal((string)error["setting"]!, ex.Setting);
        }
        else
        {
            Assert.Equal((string)expected["scope"]!, ClientCredentialsScope.FromResource(resource));
        }
    }

    [Theory]
    [MemberData(nameof(ValidationNames))]
    public void Scopes_are_checked_and_sent_as_specified(string name)
    {
        var vector = VectorFiles.Vector("scope-validation.json", name);
        var kind = Enum.Parse<AuthorityKind>((string)vector["input"]!["authorityKind"]!);
        var scopes = vector["input"]!["scopes"]!.AsArray().Select(s => (string)s!).ToArray();
        var expected = vector["expected"]!;
        if (expected["error"] is { } error)
        {
            var ex = Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.Validate(scopes, kind));
            Assert.Equal((string)error["setting"]!, ex.Setting);
            return;
        }

        var sent = ClientCredentialsScope.Validate(scopes, kind);
        Assert.Equal(expected["scopes"]!.AsArray().Select(s => (string)s!), sent);
        var field = (string?)expected["scopeFormField"];
        Assert.Equal(field, sent.Count == 0 ? null : "scope=" + FormUrlEncoding.Encode((string)expected["scopeParameter"]!));
    }
}
