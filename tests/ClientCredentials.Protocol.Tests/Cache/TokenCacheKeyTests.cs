namespace ClientCredentials.Protocol.Tests.Cache;

public class TokenCacheKeyTests
{
    private const string Authority = TestKeys.EntraAuthority;

    private static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> OtherCertificate = new(() => TestCertificates.Rsa(subject: "CN=other-client"));

    [Fact]
    public void Scopes_in_a_different_order_make_the_same_key()
    {
        var a = TestKeys.Create(Authority, "client", ["api://one/read", "api://one/write"], scopesAreCaseInsensitive: false);
        var b = TestKeys.Create(Authority, "client", ["api://one/write", "api://one/read"], scopesAreCaseInsensitive: false);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Scopes_keep_the_order_given_for_the_request()
    {
        var key = TestKeys.Create(Authority, "client", ["api://one/write", "api://one/read"], scopesAreCaseInsensitive: false);

        Assert.Equal(["api://one/write", "api://one/read"], key.Scopes);
    }

    [Fact]
    public void A_repeated_scope_does_not_change_the_scope_set()
    {
        var once = TestKeys.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: false);
        var twice = TestKeys.Create(Authority, "client", ["api://one/.default", "api://one/.default"], scopesAreCaseInsensitive: false);

        Assert.Equal(once, twice);
    }

    [Fact]
    public void Scope_case_is_ignored_for_Entra()
    {
        var lower = TestKeys.Create(Authority, "client", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);
        var upper = TestKeys.Create(Authority, "client", ["HTTPS://GRAPH.microsoft.com/.DEFAULT"], scopesAreCaseInsensitive: true);

        Assert.Equal(lower, upper);
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());
    }

    [Fact]
    public void Scope_case_matters_for_other_servers()
    {
        var lower = TestKeys.Create("https://idp.example/token", "client", ["orders.read"], scopesAreCaseInsensitive: false);
        var upper = TestKeys.Create("https://idp.example/token", "client", ["Orders.Read"], scopesAreCaseInsensitive: false);

        Assert.NotEqual(lower, upper);
    }

    [Fact]
    public void Different_scopes_make_different_keys()
    {
        var graph = TestKeys.Create(Authority, "client", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);
        var vault = TestKeys.Create(Authority, "client", ["https://vault.azure.net/.default"], scopesAreCaseInsensitive: true);

        Assert.NotEqual(graph, vault);
    }

    [Fact]
    public void Claims_make_a_different_key()
    {
        var plain = TestKeys.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true);
        var challenged = TestKeys.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true, claims: """{"access_token":{"xms_cc":{"values":["cp1"]}}}""");
        var otherChallenge = TestKeys.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true, claims: """{"access_token":{"acrs":{"essential":true,"value":"c1"}}}""");

        Assert.NotEqual(plain, challenged);
        Assert.NotEqual(challenged, otherChallenge);
    }

    [Fact]
    public void Empty_claims_are_the_same_as_no_claims()
    {
        var none = TestKeys.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true);
        var empty = TestKeys.Create(Authority, "client", ["api://one/.default"], scopesAreCaseInsensitive: true, claims: "");

        Assert.Equal(none, empty);
        Assert.Null(empty.Claims);
    }

    [Fact]
    public void Extra_parameters_in_a_different_order_make_a_different_key()
    {
        // [resource=a, resource=b] and [resource=b, resource=a] are different requests to a server that reads the first.
        var a = TestKeys.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("resource", "a"), new("resource", "b")]);
        var b = TestKeys.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("resource", "b"), new("resource", "a")]);
        var sameOrder = TestKeys.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("resource", "a"), new("resource", "b")]);

        Assert.NotEqual(a, b);
        Assert.Equal(a, sameOrder);
        Assert.Equal("a", a.ExtraParameters[0].Value);
    }

    [Fact]
    public void An_extra_parameter_with_an_empty_value_is_not_sent_so_it_is_not_in_the_key()
    {
        var none = TestKeys.Create(Authority, "client", ["api://one/.default"], true);
        var empty = TestKeys.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("slice", "")]);

        Assert.Equal(none, empty);
        Assert.Empty(empty.ExtraParameters);
    }

    [Fact]
    public void Extra_parameters_with_different_values_or_names_make_different_keys()
    {
        var none = TestKeys.Create(Authority, "client", ["api://one/.default"], true);
        var slice = TestKeys.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("slice", "a")]);
        var otherValue = TestKeys.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("slice", "b")]);
        var otherName = TestKeys.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("SLICE", "a")]);

        Assert.NotEqual(none, slice);
        Assert.NotEqual(slice, otherValue);
        Assert.NotEqual(slice, otherName);
    }

    [Fact]
    public void Different_client_ids_and_authorities_make_different_keys()
    {
        var a = TestKeys.Create(Authority, "client-a", ["api://one/.default"], true);
        var b = TestKeys.Create(Authority, "client-b", ["api://one/.default"], true);
        var otherTenant = TestKeys.Create("login.microsoftonline.com/fabrikam.onmicrosoft.com", "client-a", ["api://one/.default"], true);

        Assert.NotEqual(a, b);
        Assert.NotEqual(a, otherTenant);
    }

    [Fact]
    public void Token_type_compares_case_insensitively_and_separates_keys()
    {
        var bearer = TestKeys.Create(Authority, "client", ["api://one/.default"], true, tokenType: "Bearer");
        var lowerBearer = TestKeys.Create(Authority, "client", ["api://one/.default"], true, tokenType: "bearer");
        var pop = TestKeys.Create(Authority, "client", ["api://one/.default"], true, tokenType: "pop");

        Assert.Equal(bearer, lowerBearer);
        Assert.NotEqual(bearer, pop);
    }

    [Fact]
    public void Scope_and_parameter_lists_are_copied_so_later_changes_do_not_alter_the_key()
    {
        var scopes = new List<string> { "api://one/.default" };
        var parameters = new List<KeyValuePair<string, string>> { new("slice", "a") };
        var key = TestKeys.Create(Authority, "client", scopes, true, extraParameters: parameters);
        var same = TestKeys.Create(Authority, "client", ["api://one/.default"], true, extraParameters: [new("slice", "a")]);

        scopes[0] = "api://two/.default";
        parameters[0] = new("slice", "b");

        Assert.Equal(same, key);
        Assert.Equal("api://one/.default", key.Scopes[0]);
    }

    [Fact]
    public void ToString_shows_authority_client_and_scopes_but_not_claims_or_parameter_values()
    {
        var key = TestKeys.Create(Authority, "client-a", ["api://one/.default"], true, claims: "{\"marker-claims\":1}", extraParameters: [new("slice", "marker-value")]);

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
    [InlineData(" api://one/.default")]
    public void A_scope_that_is_empty_or_contains_whitespace_is_rejected(string scope)
    {
        var error = Assert.Throws<ArgumentException>(() => TestKeys.Create(Authority, "client", ["api://one/.default", scope], true));

        Assert.Contains("index 1", error.Message);
        Assert.Contains("RFC 6749 §3.3", error.Message);
    }

    [Fact]
    public void Missing_authority_client_id_token_type_or_scope_list_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => TestKeys.Create(" ", "client", ["s"], true));
        Assert.Throws<ArgumentException>(() => TestKeys.Create(Authority, "", ["s"], true));
        Assert.Throws<ArgumentException>(() => TestKeys.Create(Authority, "client", ["s"], true, tokenType: ""));
        Assert.Throws<ArgumentNullException>(() => TestKeys.Create(Authority, "client", null!, true));
    }

    [Fact]
    public void An_extra_parameter_without_a_name_or_value_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => TestKeys.Create(Authority, "client", ["s"], true, extraParameters: [new("", "v")]));
        Assert.Throws<ArgumentException>(() => TestKeys.Create(Authority, "client", ["s"], true, extraParameters: [new("name", null!)]));
    }

    [Fact]
    public void A_scope_set_ignores_case_and_order_for_Entra_but_not_for_other_servers()
    {
        var mixed = TestKeys.Create(Authority, "client", ["API://one/Write", "api://one/read", "api://ONE/read"], scopesAreCaseInsensitive: true);
        var plain = TestKeys.Create(Authority, "client", ["api://one/read", "api://one/write"], scopesAreCaseInsensitive: true);
        var mixedOrdinal = TestKeys.Create(Authority, "client", ["API://one/Write", "api://one/read"], scopesAreCaseInsensitive: false);
        var plainOrdinal = TestKeys.Create(Authority, "client", ["api://one/read", "api://one/write"], scopesAreCaseInsensitive: false);

        Assert.Equal(plain, mixed);
        Assert.Equal(plain.GetHashCode(), mixed.GetHashCode());
        Assert.NotEqual(plainOrdinal, mixedOrdinal);
        Assert.Equal(["API://one/Write", "api://one/read", "api://ONE/read"], mixed.Scopes);
    }

    [Fact]
    public void A_single_scope_list_reads_like_any_list()
    {
        var key = TestKeys.Create(Authority, "client", ["https://graph.microsoft.com/.default"], scopesAreCaseInsensitive: true);

        Assert.Single(key.Scopes);
        Assert.Equal("https://graph.microsoft.com/.default", key.Scopes[0]);
        Assert.Equal(["https://graph.microsoft.com/.default"], key.Scopes.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => key.Scopes[1]);
    }

    [Fact]
    public void The_scope_list_is_a_copy_the_caller_cannot_change()
    {
        string[] scopes = ["api://one/read", "api://one/write"];
        var key = TestKeys.Create(Authority, "client", scopes, scopesAreCaseInsensitive: false);

        scopes[0] = "api://one/admin";

        Assert.Equal(["api://one/read", "api://one/write"], key.Scopes);
        Assert.Equal(TestKeys.Create(Authority, "client", ["api://one/write", "api://one/read"], scopesAreCaseInsensitive: false), key);
        Assert.False(key.Scopes is string[], "the list must not be the array itself");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_scope_list_is_a_read_only_IList_like_the_ReadOnlyCollection_it_replaced(int count)
    {
        var given = Enumerable.Range(0, count).Select(i => $"api://one/scope{i}").ToArray();
        var list = Assert.IsAssignableFrom<IList<string>>(TestKeys.Create(Authority, "client", given, scopesAreCaseInsensitive: false).Scopes);

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
    public void A_client_builds_equal_keys_for_equal_requests_and_its_own_for_a_claims_challenge()
    {
        var client = EntraClient(new ClientSecretCredential("pw"));

        var graph = client.KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default"));
        var again = client.KeyFor(new TokenRequestParameters("HTTPS://GRAPH.microsoft.com/.default"));
        var challenged = client.KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default") { Claims = """{"access_token":{"xms_cc":{"values":["cp1"]}}}""" });

        Assert.Equal(graph, again);
        Assert.NotEqual(graph, challenged);
        Assert.Equal("Bearer", graph.TokenType);
        Assert.Equal("contoso.onmicrosoft.com", graph.Tenant);
    }

    [Fact]
    public void Clients_with_different_secrets_or_certificates_never_share_a_key()
    {
        var parameters = new TokenRequestParameters("https://graph.microsoft.com/.default");

        var right = EntraClient(new ClientSecretCredential("the-right-secret")).KeyFor(parameters);
        var sameSecret = EntraClient(new ClientSecretCredential("the-right-secret", ClientSecretTransport.BasicAuthentication)).KeyFor(parameters);
        var wrong = EntraClient(new ClientSecretCredential("a-wrong-secret")).KeyFor(parameters);
        var certificate = EntraClient(new CertificateCredential(TestCertificates.SharedRsa2048)).KeyFor(parameters);
        var otherCertificate = EntraClient(new CertificateCredential(OtherCertificate.Value)).KeyFor(parameters);

        Assert.Equal(right, sameSecret);
        Assert.NotEqual(right, wrong);
        Assert.NotEqual(right, certificate);
        Assert.NotEqual(certificate, otherCertificate);
        Assert.Equal("x5t#S256:" + CertificateThumbprints.X5tS256(TestCertificates.SharedRsa2048), certificate.Requester.CredentialIdentity);
    }

    [Fact]
    public void The_credential_identity_of_a_secret_reveals_nothing_of_it()
    {
        const string secret = "p4ssw0rd-that-must-not-leak";
        var key = EntraClient(new ClientSecretCredential(secret)).KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default"));

        var canonical = System.Text.Encoding.UTF8.GetString(key.CanonicalForm());

        Assert.StartsWith("secret:", key.Requester.CredentialIdentity);
        Assert.DoesNotContain(secret, canonical);
        Assert.DoesNotContain(secret[..8], canonical);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret)), canonical);
        Assert.DoesNotContain(secret, key.ToString());
    }

    [Fact]
    public void Callback_credentials_share_tokens_only_through_the_same_credential_object()
    {
        var callback = new ClientAssertionCredential((_, _) => ValueTask.FromResult("header.payload.signature"));
        var other = new ClientAssertionCredential((_, _) => ValueTask.FromResult("header.payload.signature"));
        var parameters = new TokenRequestParameters("https://graph.microsoft.com/.default");

        Assert.Equal(EntraClient(callback).KeyFor(parameters), EntraClient(callback).KeyFor(parameters));
        Assert.NotEqual(EntraClient(callback).KeyFor(parameters), EntraClient(other).KeyFor(parameters));
    }

    [Fact]
    public void A_callback_credential_is_identified_by_a_random_id_of_its_own_kind()
    {
        var key = EntraClient(new ClientAssertionCredential((_, _) => ValueTask.FromResult("header.payload.signature"))).KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default"));

        Assert.Matches("^instance:[0-9a-f]{32}$", key.Requester.CredentialIdentity);
    }

    [Fact]
    public void An_issuer_and_a_token_endpoint_with_the_same_URL_never_share_a_key()
    {
        var url = new Uri("https://idp.example/oauth2/token");
        var credential = new ClientSecretCredential("pw");
        var parameters = new TokenRequestParameters("orders.read");

        var byEndpoint = Client(TokenAuthority.TokenEndpoint(url), credential).KeyFor(parameters);
        var byIssuer = Client(TokenAuthority.OidcIssuer(url), credential).KeyFor(parameters);

        Assert.NotEqual(byEndpoint, byIssuer);
        Assert.Equal("token-endpoint", byEndpoint.Requester.AuthorityKind);
        Assert.Equal("oidc-issuer", byIssuer.Requester.AuthorityKind);
    }

    [Fact]
    public void The_canonical_form_is_fixed_for_a_request_and_follows_every_part_of_the_key()
    {
        var requester = new TokenRequester("entra", "https://login.microsoftonline.com", "client-a", "x5t#S256:abc", "tenant-pool", scopesAreCaseInsensitive: true);
        var key = TokenCacheKey.Create(requester, "Contoso.onmicrosoft.com", ["HTTPS://Graph.microsoft.com/.default"], claims: """{"a":1}""", extraParameters: [new("b", "2"), new("a", "1"), new("empty", "")]);

        var text = System.Text.Encoding.UTF8.GetString(key.CanonicalForm());

        // Fixed text: a port or another process must produce exactly these bytes for this request.
        Assert.Equal(
            """["cc-cache-key/1","entra","https://login.microsoftonline.com","contoso.onmicrosoft.com","client-a","x5t#S256:abc","tenant-pool",["https://graph.microsoft.com/.default"],"{\u0022a\u0022:1}",[["b","2"],["a","1"]],"bearer",null]""",
            text);
        var same = TokenCacheKey.Create(requester, "contoso.onmicrosoft.com", ["https://graph.microsoft.com/.default"], claims: """{"a":1}""", extraParameters: [new("b", "2"), new("a", "1")]);
        Assert.Equal(key, same);
        Assert.Equal(key.CanonicalForm(), same.CanonicalForm());
        Assert.NotEqual(key.CanonicalForm(), key.ForTenant("fabrikam.onmicrosoft.com").CanonicalForm());
    }

    [Fact]
    public void A_key_for_its_own_tenant_is_the_same_object_and_one_for_another_tenant_differs_only_by_tenant()
    {
        var requester = TestKeys.Requester("https://login.microsoftonline.com", "client", scopesAreCaseInsensitive: true);
        var key = TokenCacheKey.Create(requester, "contoso.onmicrosoft.com", ["https://graph.microsoft.com/.default"]);

        // The same object, so a hit with the default request for its own tenant compares by reference.
        Assert.Same(key, key.ForTenant("contoso.onmicrosoft.com"));
        Assert.Same(key, key.ForTenant("Contoso.OnMicrosoft.com"));

        var other = key.ForTenant("Fabrikam.onmicrosoft.com");
        Assert.NotEqual(key, other);
        Assert.Equal("fabrikam.onmicrosoft.com", other.Tenant);
        Assert.Equal(key.Scopes, other.Scopes);
        Assert.Equal(TokenCacheKey.Create(requester, "fabrikam.onmicrosoft.com", ["https://graph.microsoft.com/.default"]), other);
        Assert.Same(other, other.ForTenant("fabrikam.onmicrosoft.com"));
    }

    [Fact]
    public void Equal_keys_have_equal_canonical_forms_whatever_the_scope_order_and_case()
    {
        var requester = TestKeys.Requester("https://login.microsoftonline.com", "client", scopesAreCaseInsensitive: true);
        var a = TokenCacheKey.Create(requester, "t", ["api://one/a_", "API://ONE/AA"]);
        var b = TokenCacheKey.Create(requester, "T", ["api://one/aa", "api://one/A_"]);

        Assert.Equal(a, b);
        Assert.Equal(a.CanonicalForm(), b.CanonicalForm());
    }

    [Fact]
    public void A_tenant_per_request_makes_its_own_key_and_the_authority_tenant_is_the_default()
    {
        var client = EntraClient(new ClientSecretCredential("pw"));

        var plain = client.KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default"));
        var ownTenant = client.KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default") { Tenant = "CONTOSO.onmicrosoft.com" });
        var other = client.KeyFor(new TokenRequestParameters("https://graph.microsoft.com/.default") { Tenant = "fabrikam.onmicrosoft.com" });

        Assert.Equal(plain, ownTenant);
        Assert.NotEqual(plain, other);
        Assert.Equal("fabrikam.onmicrosoft.com", other.Tenant);
    }

    [Fact]
    public void A_dpop_clients_key_holds_the_dpop_token_type_and_its_keys_thumbprint()
    {
        var issuer = TokenAuthority.OAuthIssuer(new Uri("https://idp.example/realm"));
        var credential = new ClientSecretCredential("pw");
        var parameters = new TokenRequestParameters("orders.read");
        using var first = DPoPProofKey.CreateEphemeral();
        using var second = DPoPProofKey.CreateEphemeral();

        var bearer = Client(issuer, credential).KeyFor(parameters);
        var boundToFirst = DPoPClient(issuer, credential, first).KeyFor(parameters);
        var boundToSecond = DPoPClient(issuer, credential, second).KeyFor(parameters);

        Assert.Equal(("Bearer", null), (bearer.TokenType, bearer.ProofKey));
        Assert.Equal(("DPoP", first.Thumbprint), (boundToFirst.TokenType, boundToFirst.ProofKey));
        Assert.Equal(boundToFirst, DPoPClient(issuer, credential, first).KeyFor(parameters));
        Assert.NotEqual(bearer, boundToFirst);
        Assert.NotEqual(boundToFirst, boundToSecond);
        Assert.Equal("oauth-issuer", bearer.Requester.AuthorityKind);
    }

    [Fact]
    public void A_key_without_a_requester_is_rejected_naming_it()
    {
        var error = Assert.Throws<ArgumentNullException>(() => TokenCacheKey.Create(null!, tenant: null, ["s"]));

        Assert.Equal("requester", error.ParamName);
    }

    [Fact]
    public void An_extra_parameter_without_a_name_is_rejected_with_its_index()
    {
        var error = Assert.Throws<ArgumentException>(() => TestKeys.Create(Authority, "client", ["s"], true, extraParameters: [new("a", "1"), new(" ", "v")]));

        Assert.StartsWith("Extra parameter at index 1 has an empty name or a null value; give each parameter a name and a value (an empty string is allowed).", error.Message);
    }

    [Fact]
    public void An_empty_proof_key_is_the_same_as_none()
    {
        var requester = TestKeys.Requester(Authority, "client");
        var none = TokenCacheKey.Create(requester, tenant: null, ["s"]);
        var empty = TokenCacheKey.Create(requester, tenant: null, ["s"], proofKey: "");

        Assert.Null(empty.ProofKey);
        Assert.Equal(none, empty);
        Assert.Equal(none.CanonicalForm(), empty.CanonicalForm());
        Assert.Equal(none.ToString(), empty.ToString());
    }

    [Fact]
    public void A_key_equals_neither_null_nor_an_object_of_another_type()
    {
        var key = TestKeys.Graph();

        Assert.False(key.Equals(null));
        Assert.False(key.Equals((object?)null));
        Assert.False(key.Equals((object)key.Requester));
        Assert.True(key.Equals((object)TestKeys.Graph()));
    }

    public static TheoryData<string> CollidingParts => new() { "client id", "scope case for a case-sensitive server", "extra parameter name", "extra parameter value", "extra parameter count" };

    /// <summary>
    /// A 32-bit hash code collides after about 80,000 keys; two different requests whose codes collide must still be
    /// two keys, or a shared cache would hand one client's token to another request.
    /// </summary>
    [Theory]
    [MemberData(nameof(CollidingParts))]
    public void Keys_whose_hash_codes_collide_are_still_different_keys(string part)
    {
        var requester = TestKeys.Requester("https://idp.example/token", "client", scopesAreCaseInsensitive: false);
        Func<int, TokenCacheKey> make = part switch
        {
            "client id" => i => TestKeys.Create(Authority, $"client-{i}", ["api://one/.default"], true),
            "scope case for a case-sensitive server" => i => TokenCacheKey.Create(requester, tenant: null, [CaseVariant("abcdefghijklmnopqrstuvwxyz", i)]),
            "extra parameter name" => i => TokenCacheKey.Create(requester, tenant: null, ["s"], extraParameters: [new($"p{i}", "v")]),
            "extra parameter value" => i => TokenCacheKey.Create(requester, tenant: null, ["s"], extraParameters: [new("slice", $"v{i}")]),
            _ => i => TokenCacheKey.Create(requester, tenant: null, ["s"], extraParameters: i % 2 == 0 ? [new("slice", $"v{i}")] : [new("slice", $"v{i}"), new("x", "1")]),
        };

        var (first, second) = HashCollision(make, (a, b) => part != "extra parameter count" || a.ExtraParameters.Count != b.ExtraParameters.Count);

        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, second);
        Assert.NotEqual(first.CanonicalForm(), second.CanonicalForm());
    }

    [Fact]
    public void Every_part_of_a_key_changes_its_hash_code()
    {
        var requester = TestKeys.Requester("https://idp.example/token", "client", scopesAreCaseInsensitive: false);
        TokenCacheKey Key(TokenRequester? by = null, string? tenant = null, string scope = "orders.read", string? claims = null, string tokenType = "Bearer", string? proofKey = null, string parameter = "slice", string value = "a") =>
            TokenCacheKey.Create(by ?? requester, tenant, [scope], claims, [new(parameter, value)], tokenType, proofKey);

        var keys = new[]
        {
            Key(),
            Key(by: TestKeys.Requester("https://idp.example/token", "other-client", scopesAreCaseInsensitive: false)),
            Key(tenant: "contoso.onmicrosoft.com"),
            Key(scope: "orders.write"),
            Key(scope: "Orders.Read"),
            Key(claims: "{}"),
            Key(tokenType: "DPoP"),
            Key(proofKey: "thumbprint"),
            Key(parameter: "other"),
            Key(value: "b"),
        };

        Assert.Equal(keys.Length, keys.Select(k => k.GetHashCode()).Distinct().Count());
        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void ToString_names_tenant_claims_parameter_count_and_binding_in_a_fixed_form()
    {
        var entra = new TokenRequester("entra", "https://login.microsoftonline.com", "client-a", "x5t#S256:abc", partition: null, scopesAreCaseInsensitive: true);
        var full = TokenCacheKey.Create(entra, "Contoso.onmicrosoft.com", ["api://one/read", "api://one/write"], claims: "{\"marker\":1}", extraParameters: [new("a", "1"), new("b", "2")], tokenType: "DPoP", proofKey: "thumbprint");
        var plain = TokenCacheKey.Create(TestKeys.Requester("https://idp.example/token", "client-b", scopesAreCaseInsensitive: false), tenant: null, ["orders.read"]);

        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com client client-a scopes [api://one/read api://one/write] with claims +2 parameter(s) DPoP-bound", full.ToString());
        Assert.Equal("https://idp.example/token client client-b scopes [orders.read]", plain.ToString());
    }

    [Fact]
    public void The_canonical_form_keeps_the_scope_case_for_a_case_sensitive_server()
    {
        var key = TokenCacheKey.Create(TestKeys.Requester("https://idp.example/token", "client", scopesAreCaseInsensitive: false), tenant: null, ["Orders.Read", "orders.read"]);

        var text = System.Text.Encoding.UTF8.GetString(key.CanonicalForm());

        Assert.Contains("""["Orders.Read","orders.read"]""", text);
    }

    [Fact]
    public void Writing_the_canonical_form_needs_a_destination()
    {
        var error = Assert.Throws<ArgumentNullException>(() => TestKeys.Graph().WriteCanonicalForm(null!));

        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void For_a_case_sensitive_server_scopes_that_differ_only_in_case_are_two_scopes()
    {
        var requester = TestKeys.Requester("https://idp.example/token", "client", scopesAreCaseInsensitive: false);

        var both = TokenCacheKey.Create(requester, tenant: null, ["Orders.Read", "orders.read"]);
        var one = TokenCacheKey.Create(requester, tenant: null, ["Orders.Read"]);

        Assert.NotEqual(one, both);
        Assert.Equal(TokenCacheKey.Create(requester, tenant: null, ["orders.read", "Orders.Read"]), both);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_scope_list_finds_its_first_scope_and_checks_the_copy_target(int count)
    {
        var given = Enumerable.Range(0, count).Select(i => $"api://one/scope{i}").ToArray();
        var list = Assert.IsAssignableFrom<IList<string>>(TestKeys.Create(Authority, "client", given, scopesAreCaseInsensitive: false).Scopes);

        Assert.True(list.Contains("api://one/scope0"));
        Assert.Equal("array", Assert.Throws<ArgumentNullException>(() => list.CopyTo(null!, 0)).ParamName);
        Assert.Equal("arrayIndex", Assert.Throws<ArgumentOutOfRangeException>(() => list.CopyTo(new string[count + 2], -1)).ParamName);
        var tooSmall = Assert.Throws<ArgumentException>(() => list.CopyTo(new string[count + 1], 2));
        Assert.Equal("array", tooSmall.ParamName);
        Assert.StartsWith($"The array has room for {count - 1} scopes from index 2; {count} are needed.", tooSmall.Message);
    }

    [Fact]
    public void The_scope_list_explains_that_it_is_read_only_and_where_its_single_scope_is()
    {
        var list = Assert.IsAssignableFrom<IList<string>>(TestKeys.Graph().Scopes);

        Assert.Equal("The scopes of a token or cache key are read-only.", Assert.Throws<NotSupportedException>(() => list.Insert(0, "x")).Message);
        Assert.Equal("The scopes of a token or cache key are read-only.", Assert.Throws<NotSupportedException>(() => list.Remove("x")).Message);
        Assert.StartsWith("This scope set has one scope, at index 0.", Assert.Throws<ArgumentOutOfRangeException>(() => list[1]).Message);
    }

    private static string CaseVariant(string text, int bits) =>
        string.Create(text.Length, (text, bits), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = i < 31 && (state.bits & (1 << i)) != 0 ? char.ToUpperInvariant(state.text[i]) : state.text[i];
            }
        });

    /// <summary>Two keys from <paramref name="make"/> whose hash codes are equal, and that <paramref name="accept"/> takes.</summary>
    private static (TokenCacheKey First, TokenCacheKey Second) HashCollision(Func<int, TokenCacheKey> make, Func<TokenCacheKey, TokenCacheKey, bool> accept)
    {
        var seen = new Dictionary<int, TokenCacheKey>();
        for (var i = 0; i < 10_000_000; i++)
        {
            var key = make(i);
            if (seen.TryGetValue(key.GetHashCode(), out var earlier) && accept(earlier, key))
            {
                return (earlier, key);
            }

            seen[key.GetHashCode()] = key;
        }

        throw new InvalidOperationException("No two keys with equal hash codes among ten million.");
    }

    private static ClientCredentialsClient DPoPClient(TokenAuthority authority, ClientCredential credential, DPoPProofKey key) => new(new ClientCredentialsClientOptions
    {
        Authority = authority,
        ClientId = "svc",
        Credential = credential,
        DPoPKey = key,
    });

    private static ClientCredentialsClient EntraClient(ClientCredential credential) =>
        Client(TokenAuthority.Entra("contoso.onmicrosoft.com"), credential);

    private static ClientCredentialsClient Client(TokenAuthority authority, ClientCredential credential) => new(new ClientCredentialsClientOptions
    {
        Authority = authority,
        ClientId = "svc",
        Credential = credential,
    });
}
