namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheKeyTests
{
    private const string Authority = TestKeys.EntraAuthority;

    [Fact]
    public void Scopes_in_a_different_order_make_the_same_key()
    {
        var a = TokenCacheKey.Create(Authority, "client", ["api://one/read", "api://one/write"], scopesAreCaseInsensitive: false);
        var b = TokenCacheKey.Create(Authority, "client", ["api://one/write", "api://one/read"], scopesAreCaseInsensitive: false);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Scopes_keep_the_order_given_for_the_request()
    {
        var key = TokenCacheKey.Create(Authority, "client", ["api://one/write", "api://one/read"], scopesAreCaseInsensitive: false);

        Assert.Equal(["api://one/write", "api://one/read"], key.Scopes);
    }

    [Fact]
    public void A_repeated_scope_does_not_change_the_scope_set()
    {
        var once = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: false);
        var twice = TokenCacheKey.Create(Authority, "client", ["api://one/.default", "api://one/.default"], scopesAreCaseInsensitive: false);

        Assert.Equal(once, twice);
    }

    [Fact]
    public void Scope_case_is_ignored_for_Entra()
    {
        var lower = TokenCacheKey.Create(Authority, "client", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);
        var upper = TokenCacheKey.Create(Authority, "client", ["HTTPS://GRAPH.microsoft.com/.DEFAULT"], scopesAreCaseInsensitive: true);

        Assert.Equal(lower, upper);
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());
    }

    [Fact]
    public void Scope_case_matters_for_other_servers()
    {
        var lower = TokenCacheKey.Create("https://idp.example/token", "client", ["orders.read"], scopesAreCaseInsensitive: false);
        var upper = TokenCacheKey.Create("https://idp.example/token", "client", ["Orders.Read"], scopesAreCaseInsensitive: false);

        Assert.NotEqual(lower, upper);
    }

    [Fact]
    public void Different_scopes_make_different_keys()
    {
        var graph = TokenCacheKey.Create(Authority, "client", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);
        var vault = TokenCacheKey.Create(Authority, "client", ["https://vault.azure.net/.default"], scopesAreCaseInsensitive: true);

        Assert.NotEqual(graph, vault);
    }

    [Fact]
    public void Claims_make_a_different_key()
    {
        var plain = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true);
        var challenged = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true, claims: """{"access_token":{"xms_cc":{"values":["cp1"]}}}""");
        var otherChallenge = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true, claims: """{"access_token":{"acrs":{"essential":true,"value":"c1"}}}""");

        Assert.NotEqual(plain, challenged);
        Assert.NotEqual(challenged, otherChallenge);
    }

    [Fact]
    public void Empty_claims_are_the_same_as_no_claims()
    {
        var none = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true);
        var empty = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true, claims: "");

        Assert.Equal(none, empty);
        Assert.Null(empty.Claims);
    }

    [Fact]
    public void Extra_parameters_in_a_different_order_make_the_same_key()
    {
        var a = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("slice", "testslice"), new("dc", "ESTS-PUB")]);
        var b = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("dc", "ESTS-PUB"), new("slice", "testslice")]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("slice", a.ExtraParameters[0].Key);
    }

    [Fact]
    public void Extra_parameters_with_different_values_or_names_make_different_keys()
    {
        var none = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true);
        var slice = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("slice", "a")]);
        var otherValue = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("slice", "b")]);
        var otherName = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("SLICE", "a")]);

        Assert.NotEqual(none, slice);
        Assert.NotEqual(slice, otherValue);
        Assert.NotEqual(slice, otherName);
    }

    [Fact]
    public void Different_client_ids_and_authorities_make_different_keys()
    {
        var a = TokenCacheKey.Create(Authority, "client-a", ["api://one/.default"], true);
        var b = TokenCacheKey.Create(Authority, "client-b", ["api://one/.default"], true);
        var otherTenant = TokenCacheKey.Create("login.microsoftonline.com/fabrikam.onmicrosoft.com", "client-a", ["api://one/.default"], true);

        Assert.NotEqual(a, b);
        Assert.NotEqual(a, otherTenant);
    }

    [Fact]
    public void Token_type_compares_case_insensitively_and_separates_keys()
    {
        var bearer = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, tokenType: "Bearer");
        var lowerBearer = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, tokenType: "bearer");
        var pop = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, tokenType: "pop");

        Assert.Equal(bearer, lowerBearer);
        Assert.NotEqual(bearer, pop);
    }

    [Fact]
    public void Scope_and_parameter_lists_are_copied_so_later_changes_do_not_alter_the_key()
    {
        var scopes = new List<string> { "api://one/.default" };
        var parameters = new List<KeyValuePair<string, string>> { new("slice", "a") };
        var key = TokenCacheKey.Create(Authority, "client", scopes, true, extraParameters: parameters);
        var same = TokenCacheKey.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("slice", "a")]);

        scopes[0] = "api://two/.default";
        parameters[0] = new("slice", "b");

        Assert.Equal(same, key);
        Assert.Equal("api://one/.default", key.Scopes[0]);
    }

    [Fact]
    public void ToString_shows_authority_client_and_scopes_but_not_claims_or_parameter_values()
    {
        var key = TokenCacheKey.Create(Authority, "client-a", ["api://one/.default"], true, claims: "{\"marker-claims\":1}", extraParameters: [new("slice", "marker-value")]);

        var text = key.ToString();

        Assert.Contains(Authority, text);
        Assert.Contains("client-a", text);
        Assert.Contains("api://one/.default", text);
        Assert.DoesNotContain("marker-claims", text);
        Assert.DoesNotContain("marker-value", text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two scopes")]
    [InlineData("tab\tscope")]
    public void A_scope_that_is_empty_or_contains_whitespace_is_rejected(string scope)
    {
        var error = Assert.Throws<ArgumentException>(() => TokenCacheKey.Create(Authority, "client", ["api://one/.default", scope], true));

        Assert.Contains("index 1", error.Message);
        Assert.Contains("RFC 6749 §3.3", error.Message);
    }

    [Fact]
    public void Missing_authority_client_id_token_type_or_scope_list_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => TokenCacheKey.Create(" ", "client", ["s"], true));
        Assert.Throws<ArgumentException>(() => TokenCacheKey.Create(Authority, "", ["s"], true));
        Assert.Throws<ArgumentException>(() => TokenCacheKey.Create(Authority, "client", ["s"], true, tokenType: ""));
        Assert.Throws<ArgumentNullException>(() => TokenCacheKey.Create(Authority, "client", null!, true));
    }

    [Fact]
    public void An_extra_parameter_without_a_name_or_value_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => TokenCacheKey.Create(Authority, "client", ["s"], true, extraParameters: [new("", "v")]));
        Assert.Throws<ArgumentException>(() => TokenCacheKey.Create(Authority, "client", ["s"], true, extraParameters: [new("name", null!)]));
    }

    [Fact]
    public void A_scope_set_ignores_case_and_order_for_Entra_but_not_for_other_servers()
    {
        var mixed = TokenCacheKey.Create(Authority, "client", ["API://one/Write", "api://one/read", "api://ONE/read"], scopesAreCaseInsensitive: true);
        var plain = TokenCacheKey.Create(Authority, "client", ["api://one/read", "api://one/write"], scopesAreCaseInsensitive: true);
        var mixedOrdinal = TokenCacheKey.Create(Authority, "client", ["API://one/Write", "api://one/read"], scopesAreCaseInsensitive: false);
        var plainOrdinal = TokenCacheKey.Create(Authority, "client", ["api://one/read", "api://one/write"], scopesAreCaseInsensitive: false);

        Assert.Equal(plain, mixed);
        Assert.Equal(plain.GetHashCode(), mixed.GetHashCode());
        Assert.NotEqual(plainOrdinal, mixedOrdinal);
        Assert.Equal(["API://one/Write", "api://one/read", "api://ONE/read"], mixed.Scopes);
    }

    [Fact]
    public void A_single_scope_list_reads_like_any_list()
    {
        var key = TokenCacheKey.Create(Authority, "client", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);

        Assert.Single(key.Scopes);
        Assert.Equal("https://graph.microsoft.com/.default", key.Scopes[0]);
        Assert.Equal(["https://graph.microsoft.com/.default"], key.Scopes.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => key.Scopes[1]);
    }

    [Fact]
    public void The_scope_list_is_a_copy_the_caller_cannot_change()
    {
        string[] scopes = ["api://one/read", "api://one/write"];
        var key = TokenCacheKey.Create(Authority, "client", scopes, scopesAreCaseInsensitive: false);

        scopes[0] = "api://one/admin";

        Assert.Equal(["api://one/read", "api://one/write"], key.Scopes);
        Assert.Equal(TokenCacheKey.Create(Authority, "client", ["api://one/write", "api://one/read"], scopesAreCaseInsensitive: false), key);
        Assert.False(key.Scopes is string[], "the list must not be the array itself");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_scope_list_is_a_read_only_IList_like_the_ReadOnlyCollection_it_replaced(int count)
    {
        var given = Enumerable.Range(0, count).Select(i => $"api://one/scope{i}").ToArray();
        var list = Assert.IsAssignableFrom<IList<string>>(TokenCacheKey.Create(Authority, "client", given, scopesAreCaseInsensitive: false).Scopes);

        Assert.True(list.IsReadOnly);
        Assert.Equal(given, list.ToList());
        Assert.Equal(count - 1, list.IndexOf($"api://one/scope{count - 1}"));
        Assert.False(list.Contains("API://ONE/SCOPE0"));
        var copy = new string[count + 1];
        copy[0] = "kept";
        list.CopyTo(copy, 1);
        Assert.Equal(["kept", .. given], copy);
        Assert.Throws<ArgumentException>(() => list.CopyTo(new string[count], 1));
        Assert.Throws<NotSupportedException>(() => list.Add("x"));
        Assert.Throws<NotSupportedException>(() => list[0] = "x");
        Assert.Throws<NotSupportedException>(() => list.RemoveAt(0));
        Assert.Throws<NotSupportedException>(() => list.Clear());
        Assert.Equal(given, list);
    }

    [Fact]
    public void A_key_on_a_shared_prefix_equals_a_key_with_its_own_prefix()
    {
        var prefix = TokenCacheKeyPrefix.Create(Authority, "client", scopesAreCaseInsensitive: true);
        var shared = TokenCacheKey.Create(prefix, ["https://graph.microsoft.com/.default"]);
        var own = TokenCacheKey.Create(Authority, "client", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);
        var otherClient = TokenCacheKey.Create(TokenCacheKeyPrefix.Create(Authority, "other", scopesAreCaseInsensitive: true), ["https://graph.microsoft.com/.default"]);

        Assert.Equal(own, shared);
        Assert.Equal(own.GetHashCode(), shared.GetHashCode());
        Assert.NotEqual(shared, otherClient);
    }

    [Fact]
    public void A_client_shares_one_prefix_between_its_plain_keys_and_gives_claims_their_own()
    {
        var client = new ClientCredentialsClient(new ClientCredentialsClientOptions
        {
            Authority = TokenAuthority.Entra("contoso.onmicrosoft.com"),
            ClientId = "svc",
            Credential = new ClientSecretCredential("pw"),
        });

        var graph = client.KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default"));
        var vault = client.KeyFor(new TokenRequestParameters("https://vault.azure.net/.default"));
        var challenged = client.KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default") { Claims = """{"access_token":{"xms_cc":{"values":["cp1"]}}}""" });

        Assert.Same(graph.Prefix, vault.Prefix);
        Assert.NotSame(graph.Prefix, challenged.Prefix);
        Assert.NotEqual(graph, challenged);
        Assert.Equal("Bearer", graph.TokenType);
    }
}
