namespace ClientCredentials.Protocol.Tests.Protocol;

public class ScopeTests
{
    [Theory]
    [InlineData("https://graph.microsoft.com", "https://graph.microsoft.com/.default")]
    [InlineData("https://database.windows.net/", "https://database.windows.net//.default")]
    [InlineData("api://my-api", "api://my-api/.default")]
    [InlineData("00000003-0000-0000-c000-000000000000", "00000003-0000-0000-c000-000000000000/.default")]
    public void Resource_becomes_its_default_scope_keeping_a_trailing_slash(string resource, string scope)
    {
        Assert.Equal(scope, ClientCredentialsScope.FromResource(resource));
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://graph.microsoft.com/.default")]
    [InlineData("https://a https://b")]
    public void Resource_that_is_empty_spaced_or_already_a_scope_is_refused(string resource)
    {
        Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.FromResource(resource));
    }

    [Theory]
    [InlineData(AuthorityKind.Entra)]
    [InlineData(AuthorityKind.Adfs)]
    public void Entra_refuses_anything_but_one_default_scope_and_explains_aadsts70011(AuthorityKind kind)
    {
        foreach (var scopes in new[] { Array.Empty<string>(), ["User.Read"], ["https://graph.microsoft.com/.default", "https://vault.azure.net/.default"] })
        {
            var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.Validate(scopes, kind));
            Assert.Equal("Scopes", error.Setting);
            Assert.Contains("AADSTS70011", error.Message);
            Assert.Contains("/.default", error.Message);
        }
    }

    [Fact]
    public void Entra_accepts_one_default_scope_and_drops_a_case_insensitive_duplicate()
    {
        var scopes = ClientCredentialsScope.Validate(["https://graph.microsoft.com/.default", "https://GRAPH.microsoft.com/.default"], AuthorityKind.Entra);
        Assert.Equal(["https://graph.microsoft.com/.default"], scopes);
    }

    [Fact]
    public void Generic_servers_take_any_scopes_and_none()
    {
        Assert.Equal(["read", "write", "Read"], ClientCredentialsScope.Validate(["read", "write", "read", "Read"], AuthorityKind.Generic));
        Assert.Empty(ClientCredentialsScope.Validate([], AuthorityKind.Generic));
    }

    [Theory]
    [InlineData("read write")]
    [InlineData("a\"b")]
    [InlineData("")]
    [InlineData("lecture-é")]
    public void A_scope_that_is_not_a_scope_token_is_refused(string scope)
    {
        Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.Validate([scope], AuthorityKind.Generic));
    }
}
