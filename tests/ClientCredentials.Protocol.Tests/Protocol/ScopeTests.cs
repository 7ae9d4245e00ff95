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
    [InlineData("", "Resource is empty; give the resource's app id URI (for example https://graph.microsoft.com) or application id.")]
    [InlineData("  ", "Resource is empty; give the resource's app id URI (for example https://graph.microsoft.com) or application id.")]
    [InlineData("https://graph.microsoft.com/.default", "Resource 'https://graph.microsoft.com/.default' is already a scope; pass it as a scope, or drop '/.default'.")]
    [InlineData("https://a https://b", "Resource 'https://a https://b' contains white space; give one app id URI or application id.")]
    [InlineData("api://a\"b", "Resource 'api://a\"b' cannot be sent as a scope: a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3); give the app id URI or application id as registered.")]
    public void Resource_that_is_empty_spaced_already_a_scope_or_not_a_scope_token_is_refused_saying_why(string resource, string message)
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.FromResource(resource));
        Assert.Equal(("Resource", message), (error.Setting, error.Message));
    }

    [Fact]
    public void A_resource_refused_for_an_invisible_character_is_echoed_with_it_escaped()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.FromResource("api://my-api\u202e"));
        Assert.StartsWith("Resource 'api://my-api\\u202E' cannot be sent as a scope", error.Message, StringComparison.Ordinal);
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
    public void The_refusal_of_entra_scopes_says_what_was_given()
    {
        string MessageFor(string[] scopes) => Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.Validate(scopes, AuthorityKind.Entra)).Message;

        Assert.Contains("; got no scope. ", MessageFor([]), StringComparison.Ordinal);
        Assert.Contains("; got 'User.Read'. ", MessageFor(["User.Read"]), StringComparison.Ordinal);
        Assert.Contains("; got 'https://graph.microsoft.com/.default https://vault.azure.net/.default'. ", MessageFor(["https://graph.microsoft.com/.default", "https://vault.azure.net/.default"]), StringComparison.Ordinal);
        Assert.StartsWith("Entra issues app-only tokens for exactly one scope of the form '{resource}/.default'", MessageFor([]), StringComparison.Ordinal);
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
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData("lecture-é")]
    [InlineData("del\u007f")]
    [InlineData("nul\u0000")]
    public void A_scope_that_is_not_a_scope_token_is_refused(string scope)
    {
        Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.Validate([scope], AuthorityKind.Generic));
    }

    [Fact]
    public void A_refused_scope_is_named_and_each_scope_asked_for_as_its_own_entry()
    {
        var error = Assert.Throws<ClientCredentialsConfigurationException>(() => ClientCredentialsScope.Validate(["read write"], AuthorityKind.Generic));
        Assert.Equal(("Scopes", "Scope 'read write' is not a valid scope token (RFC 6749 §3.3: printable ASCII without spaces, quotes or backslashes); pass each scope as its own entry."), (error.Setting, error.Message));
    }

    [Theory]
    [InlineData("!")]
    [InlineData("~")]
    [InlineData("#[]{}")]
    [InlineData("api://x!y~z")]
    public void The_printable_ascii_ends_of_the_scope_token_alphabet_are_accepted(string scope)
    {
        Assert.Equal([scope], ClientCredentialsScope.Validate([scope], AuthorityKind.Generic));
        Assert.Equal(scope + "/.default", ClientCredentialsScope.FromResource(scope));
    }
}
